// Timing and size limits of the portal ↔ agent link, shared so both ends agree.

/** The agent sends a heartbeat (with a metrics sample) this often. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A host with no message for this long is shown Lost (the bound: within 15 s of silence). */
export const LOST_AFTER_MS = 15_000;
/** A single message larger than this is refused (and logged) without closing the link. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Socket.IO's own frame limit: above ours, so an oversized message reaches our check and is refused politely. */
export const TRANSPORT_MAX_BYTES = 4 * 1024 * 1024;
/** Default and ceiling of a command's timeout. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 15_000;
export const MAX_COMMAND_TIMEOUT_MS = 10 * 60_000;
/** How many finished command results the agent remembers, so a retried id is answered, not re-run. */
export const COMMAND_RESULT_MEMORY = 1_000;
/** Reconnect back-off: first delay, ceiling, and the random spread around each delay. */
export const RECONNECT_DELAY_MS = 1_000;
export const RECONNECT_DELAY_MAX_MS = 30_000;
export const RECONNECT_JITTER = 0.5;
