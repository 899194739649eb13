// The door of every route a team hook token opens (registry pushes, Alertmanager, Prometheus
// discovery): the bearer token must be the team's current token of the route's kind. A refusal is
// a 401 with a sentence saying where to get the token, audited through the refusal tally (one event
// per address and window, with a count), since it is anonymous noise like a refused scrape.
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientAddress } from "../http/client-address";
import { bearerToken, refuse } from "../http/plain-route";
import type { PortalServices } from "../services";
import { type HookKind, teamForHookToken } from "./hook-tokens";

export interface HookDoor {
  kind: HookKind;
  /** The audit action of a refusal, e.g. "hooks.registry.push". */
  action: string;
  /** The `WWW-Authenticate` realm. */
  realm: string;
  /** What to tell a caller that sent no token, and one whose token is not (or no longer) valid. */
  noToken: string;
  wrongToken: string;
}

export interface HookCaller {
  teamId: string;
  /** The token's prefix, for logs and audit details (never the token). */
  prefix: string;
  ip: string;
}

/** The caller's team, or null once the refusal has been answered and audited. */
export async function openHookDoor(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
  door: HookDoor,
): Promise<HookCaller | null> {
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  const presented = bearerToken(req);
  const team = presented ? await teamForHookToken(services.db, door.kind, presented) : null;
  if (team) return { ...team, ip };
  await services.refusals.record({
    action: door.action,
    outcome: "denied",
    ip,
    details: { reason: presented ? "wrong_token" : "no_token" },
  });
  refuse(res, 401, presented ? door.wrongToken : door.noToken, {
    "www-authenticate": `Bearer realm="${door.realm}"`,
  });
  return null;
}
