// Commands the portal sends to an agent: each type pairs its parameters with its result, and both
// ends parse both (STYLE.md "One typed protocol"). Add a command here first; the compiler then asks
// for its handler on the agent and types its result on the portal.
import { z } from "zod";
import { APP_COMMANDS } from "./app-commands";
import { CHECK_COMMANDS } from "./check-commands";
import { CONTAINER_ACTIONS } from "./docker-inventory";
import { hostFactsSchema } from "./host-facts";
import { DEFAULT_COMMAND_TIMEOUT_MS, MAX_COMMAND_TIMEOUT_MS } from "./limits";
import { LIVE_HEALTH_COMMANDS } from "./live-health";
import { LOG_STREAM_COMMANDS } from "./log-stream";
import { TERMINAL_COMMANDS } from "./terminal";

export const COMMANDS = {
  /** Round trip through the agent; used by health checks and the benchmark. */
  "agent.ping": { params: z.object({}).strict(), result: z.object({ at: z.number() }) },
  /** Fresh host facts. */
  "host.facts": { params: z.object({}).strict(), result: hostFactsSchema },
  /** Start, stop, restart or remove one container (by full id). */
  "docker.container.action": {
    params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), action: z.enum(CONTAINER_ACTIONS) }).strict(),
    result: z.object({ done: z.literal(true) }),
  },
  /** The engine's own inspect document of one container. */
  "docker.container.inspect": {
    params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
    result: z.record(z.string(), z.unknown()),
  },
  ...APP_COMMANDS,
  ...CHECK_COMMANDS,
  ...LIVE_HEALTH_COMMANDS,
  ...LOG_STREAM_COMMANDS,
  ...TERMINAL_COMMANDS,
} as const;

export type CommandType = keyof typeof COMMANDS;
export type CommandParams<T extends CommandType> = z.infer<(typeof COMMANDS)[T]["params"]>;
export type CommandResult<T extends CommandType> = z.infer<(typeof COMMANDS)[T]["result"]>;

export const commandTypeSchema = z.enum(Object.keys(COMMANDS) as [CommandType, ...CommandType[]]);

/** The envelope of a command, portal → agent. `id` makes it idempotent: a repeated id is answered from memory. */
export const commandEnvelopeSchema = z.object({
  id: z.string().min(8).max(64),
  type: z.string().min(1).max(100),
  params: z.unknown(),
  timeoutMs: z.number().int().min(1).max(MAX_COMMAND_TIMEOUT_MS).default(DEFAULT_COMMAND_TIMEOUT_MS),
});
export type CommandEnvelope = z.infer<typeof commandEnvelopeSchema>;

/** Error codes an agent may answer with. */
export const COMMAND_ERROR_CODES = ["UNKNOWN_COMMAND", "BAD_PARAMS", "FAILED", "TIMEOUT", "TOO_LARGE"] as const;

/** The reply, agent → portal, through the Socket.IO acknowledgement of the command. */
export const commandReplySchema = z.discriminatedUnion("ok", [
  z.object({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    id: z.string(),
    ok: z.literal(false),
    error: z.object({ code: z.enum(COMMAND_ERROR_CODES), message: z.string().max(4_000) }),
  }),
]);
export type CommandReply = z.infer<typeof commandReplySchema>;
