// POST /api/v1/hooks/registry: a registry's push notifications (the Docker distribution
// registry's `notifications:` endpoint). A plain HTTP route ahead of the REST adapter, which accepts
// only application/json and the registry sends application/vnd.docker.distribution.events.v1+json.
// Authenticated by the team's hook token (`Authorization: Bearer whr_…`); what a push does is
// registry-pushes.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { registryEnvelopeSchema } from "@wheelhouse/shared";
import { clientAddress } from "../http/client-address";
import type { PortalServices } from "../services";
import { teamForHookToken } from "./hook-tokens";
import { receivePushes } from "./registry-pushes";

export const REGISTRY_HOOK_PATH = "/api/v1/hooks/registry";

/** A registry's envelope is a few KiB per event; this bounds what an anonymous sender can make us hold. */
const MAX_BODY_BYTES = 1024 * 1024;

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  reply(res, status, { error: { message } }, headers);
}

/** The body as text, or null when it is larger than the cap (then nothing more is read). */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return null;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export async function handleRegistryHook(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "POST") {
    return refuse(res, 405, "Registries POST their notifications here.", { allow: "POST" });
  }
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const team = presented ? await teamForHookToken(services.db, "registry", presented) : null;
  if (!team) {
    // Anonymous noise, like a refused scrape: one audit event per address and window, with a count.
    await services.refusals.record({
      action: "hooks.registry.push",
      outcome: "denied",
      ip,
      details: { reason: presented ? "wrong_token" : "no_token" },
    });
    return refuse(
      res,
      401,
      presented
        ? "This push hook token is not valid (it may have been rotated or revoked). Copy the current one from Settings → Registries into the registry's notifications endpoint."
        : "Push notifications need Authorization: Bearer <hook token>; create the token on Settings → Registries and put it in the registry's notifications endpoint headers.",
      { "www-authenticate": 'Bearer realm="wheelhouse registry hook"' },
    );
  }
  const text = await readBody(req);
  if (text === null) return refuse(res, 413, `A notification is at most ${MAX_BODY_BYTES / 1024} KiB.`);
  const json = parseJson(text);
  const envelope = json.ok ? registryEnvelopeSchema.safeParse(json.value) : null;
  if (!envelope?.success) {
    return refuse(res, 400, 'This is not a registry notification: expected a JSON envelope { "events": [ … ] }.');
  }
  const answer = await receivePushes(
    services,
    { teamId: team.teamId, tokenPrefix: team.prefix, ip },
    envelope.data.events,
  );
  if (answer.pushes > 0) {
    services.logger.info(
      {
        teamId: team.teamId,
        pushes: answer.pushes,
        duplicates: answer.duplicates,
        deployments: answer.deployments.length,
      },
      "registry push notification received",
    );
  }
  reply(res, 200, answer);
}
