// POST /api/v1/hooks/registry: a registry's push notifications (the Docker distribution
// registry's `notifications:` endpoint). A plain HTTP route ahead of the REST adapter, which accepts
// only application/json and the registry sends application/vnd.docker.distribution.events.v1+json.
// Authenticated by the team's hook token (`Authorization: Bearer whr_…`); what a push does is
// registry-pushes.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { registryEnvelopeSchema } from "@wheelhouse/shared";
import { parseJson, readBody, refuse, reply } from "../http/plain-route";
import type { PortalServices } from "../services";
import { openHookDoor } from "./hook-auth";
import { receivePushes } from "./registry-pushes";

export const REGISTRY_HOOK_PATH = "/api/v1/hooks/registry";

/** A registry's envelope is a few KiB per event; this bounds what an anonymous sender can make us hold. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function handleRegistryHook(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "POST") {
    return refuse(res, 405, "Registries POST their notifications here.", { allow: "POST" });
  }
  const team = await openHookDoor(services, req, res, {
    kind: "registry",
    action: "hooks.registry.push",
    realm: "wheelhouse registry hook",
    wrongToken:
      "This push hook token is not valid (it may have been rotated or revoked). Copy the current one from Settings → Registries into the registry's notifications endpoint.",
    noToken:
      "Push notifications need Authorization: Bearer <hook token>; create the token on Settings → Registries and put it in the registry's notifications endpoint headers.",
  });
  if (!team) return;
  const text = await readBody(req, MAX_BODY_BYTES);
  if (text === null) return refuse(res, 413, `A notification is at most ${MAX_BODY_BYTES / 1024} KiB.`);
  const json = parseJson(text);
  const envelope = json.ok ? registryEnvelopeSchema.safeParse(json.value) : null;
  if (!envelope?.success) {
    return refuse(res, 400, 'This is not a registry notification: expected a JSON envelope { "events": [ … ] }.');
  }
  const answer = await receivePushes(
    services,
    { teamId: team.teamId, tokenPrefix: team.prefix, ip: team.ip },
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
