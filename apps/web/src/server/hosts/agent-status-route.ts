// GET /api/agent/status with `Authorization: Bearer <agent key>`: how the portal sees this agent's
// host (Online, Lost, Pending). The install script waits on it (through `wheelhouse-agent status
// --wait`) without a user's credential: the key it asks with is the one the agent itself holds, and
// the answer names only that key's own host. A revoked host's key no longer matches anything.
import type { IncomingMessage, ServerResponse } from "node:http";
import { agentHandshakeSchema } from "@wheelhouse/shared";
import { clientAddress } from "../http/client-address";
import type { PortalServices } from "../services";
import { hostForKey } from "./enrollment";
import { getHost } from "./hosts";

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** The key from `Authorization: Bearer KEY`, if it has the shape of one. */
function bearerKey(header: string | undefined): string | null {
  const match = /^Bearer (\S+)$/.exec(header ?? "");
  const parsed = agentHandshakeSchema.shape.key.safeParse(match?.[1]);
  return parsed.success ? parsed.data : null;
}

export async function handleAgentStatus(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "GET") return reply(res, 405, { error: { message: "Use GET for the agent's status." } });
  const key = bearerKey(req.headers.authorization);
  const host = key === null ? null : await hostForKey(services.db, key);
  if (!host) {
    const reason = key === null ? "no agent key" : "unknown agent key";
    // Anonymous: one audit event per address and window, with a count (audit/refusal-tally.ts).
    await services.refusals.record({
      action: "hosts.agent.status",
      outcome: "denied",
      ip: clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies),
      details: { reason },
    });
    return reply(res, 401, {
      error: { message: "This agent key is not known to the portal: the host was revoked, or never enrolled here." },
    });
  }
  const view = await getHost(services.db, services.agents, host.teamId, host.id);
  reply(res, 200, { hostId: view.id, hostName: view.name, status: view.status });
}
