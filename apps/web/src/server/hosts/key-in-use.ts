// The /agent handshake's question for a host that is already connected: may this newcomer replace
// the connection, or is a second agent using the key (key-conflicts.ts)? The first refusal of an
// episode is logged and audited; later ones of the same episode are only counted.
import { recordAudit } from "../audit/audit-log";
import type { PortalServices } from "../services";
import { REPLACEMENT_LIMIT, REPLACEMENT_WINDOW_MS } from "./key-conflicts";

export const KEY_IN_USE_MESSAGE =
  "This host's key is in use by two agents: the portal keeps the agent that is connected and refuses this one. Stop the second agent, or enrol it as a host of its own.";

interface KnownHost {
  id: string;
  teamId: string;
  name: string;
}

/** How long the newcomer must wait before trying again, or null when it may connect. */
export async function keyInUseDelay(
  services: Pick<PortalServices, "agents" | "db" | "logger">,
  host: KnownHost,
  address: string,
  notifyTeam: (teamId: string) => void,
): Promise<number | null> {
  if (!services.agents.isLive(host.id)) return null;
  const verdict = services.agents.conflicts.newcomer(host.id);
  if (!verdict.refuse) return null;
  if (verdict.started) {
    services.logger.warn(
      { hostId: host.id, host: host.name, address, retryAfterMs: verdict.retryAfterMs },
      "two agents use this host's key; keeping the connected one and refusing the other",
    );
    await recordAudit(services.db, {
      teamId: host.teamId,
      action: "hosts.agent.key_in_use",
      target: { type: "host", id: host.id },
      outcome: "denied",
      ip: address,
      details: {
        hostName: host.name,
        reason: `more than ${REPLACEMENT_LIMIT} connections replaced each other within ${REPLACEMENT_WINDOW_MS / 1000} s`,
        retryAfterMs: verdict.retryAfterMs,
      },
    });
    notifyTeam(host.teamId);
  }
  return verdict.retryAfterMs;
}
