// Why the portal refused an agent's handshake: the `data` of the connect error, so the agent can
// tell "stop" from "try later", and how much later.
import { z } from "zod";

/** The longest the portal asks a refused agent to wait before it tries again. */
export const KEY_IN_USE_MAX_DELAY_MS = 5 * 60_000;

export const HANDSHAKE_REFUSAL_CODES = [
  /** The key is unknown or its host revoked: no retry can help. */
  "KEY_REFUSED",
  "BAD_HANDSHAKE",
  /** The portal could not check the key (database down): try again with the usual back-off. */
  "UNAVAILABLE",
  /** Another agent with this key holds the connection: wait retryAfterMs before trying again. */
  "KEY_IN_USE",
] as const;
export type HandshakeRefusalCode = (typeof HANDSHAKE_REFUSAL_CODES)[number];

export const handshakeRefusalSchema = z.object({
  code: z.enum(HANDSHAKE_REFUSAL_CODES),
  retryAfterMs: z.number().int().min(0).max(KEY_IN_USE_MAX_DELAY_MS).optional(),
});
export type HandshakeRefusal = z.infer<typeof handshakeRefusalSchema>;
