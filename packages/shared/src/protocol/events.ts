// Events on the /agent namespace, each with its payload schema. Anything else is refused and logged.
import { z } from "zod";
import { HOST_STATUSES } from "../statuses/host-statuses";
import { containerSchema, imageSchema, inventorySchema } from "./docker-inventory";
import { hostFactsSchema, metricsSampleSchema } from "./host-facts";
import { instanceHealthEventSchema } from "./live-health";
import { LOG_ACK_EVENT, LOG_STREAM_AGENT_EVENTS, logAckSchema } from "./log-stream";
import { TERMINAL_AGENT_EVENTS, TERMINAL_PORTAL_EVENTS } from "./terminal";

/** Agent → portal. */
export const AGENT_EVENTS = {
  /** First message after every (re)connect. */
  "agent:hello": z.object({
    version: z.string().min(1).max(50),
    facts: hostFactsSchema,
    /** The engine's own error when Docker does not answer; null when it does. */
    dockerError: z.string().max(2_000).nullable(),
  }),
  "agent:heartbeat": z.object({ sample: metricsSampleSchema }),
  /** The whole inventory: after (re)connecting and whenever the engine comes back. */
  "agent:inventory": inventorySchema,
  /** One container changed (from Docker's event stream). */
  "agent:container": z.object({ container: containerSchema }),
  "agent:container-removed": z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }),
  "agent:images": z.object({ images: z.array(imageSchema).max(5_000) }),
  /** The engine stopped or started answering; error is null when it answers. */
  "agent:docker-status": z.object({ version: z.string().max(100).nullable(), error: z.string().max(2_000).nullable() }),
  /** A live instance's probe changed its verdict, or liveness restarted it (protocol/live-health.ts). */
  "agent:instance-health": instanceHealthEventSchema,
  ...LOG_STREAM_AGENT_EVENTS,
  ...TERMINAL_AGENT_EVENTS,
} as const;
export type AgentEvent = keyof typeof AGENT_EVENTS;
export type AgentEventPayload<E extends AgentEvent> = z.infer<(typeof AGENT_EVENTS)[E]>;

/** Portal → agent: a command envelope (protocol/commands.ts), answered through the acknowledgement. */
export const COMMAND_EVENT = "portal:command";
/** Either side tells the other it refused a message (and why); the receiver logs it. */
export const PORTAL_REFUSED_EVENT = "portal:refused";
export const AGENT_REFUSED_EVENT = "agent:refused";
export const refusalSchema = z.object({ event: z.string().max(200), reason: z.string().max(1_000) });
export type Refusal = z.infer<typeof refusalSchema>;

/**
 * Portal → agent events besides commands: many, small, fire-and-forget (no acknowledgement). The
 * portal sends them only through `AgentRegistry.emit`, typed by this map; the agent parses each
 * with its schema.
 */
export const PORTAL_EVENTS = {
  ...TERMINAL_PORTAL_EVENTS,
  [LOG_ACK_EVENT]: logAckSchema,
  [PORTAL_REFUSED_EVENT]: refusalSchema,
} as const;
export type PortalEvent = keyof typeof PORTAL_EVENTS;
export type PortalEventPayload<E extends PortalEvent> = z.input<(typeof PORTAL_EVENTS)[E]>;

/** Agent's handshake `auth`: its key and version. */
export const agentHandshakeSchema = z.object({ key: z.string().min(20).max(200), version: z.string().min(1).max(50) });

/** Enrolment, over plain HTTPS: POST /api/agent/enroll. */
export const enrollRequestSchema = z.object({
  token: z.string().min(10).max(200),
  facts: hostFactsSchema,
  version: z.string().min(1).max(50),
});
export const enrollResponseSchema = z.object({ hostId: z.string(), hostName: z.string(), agentKey: z.string() });

/**
 * What the portal sees of an agent, asked with the agent's own key: GET /api/agent/status with
 * `Authorization: Bearer KEY` (`wheelhouse-agent status --wait`, which the install script runs).
 */
export const agentStatusResponseSchema = z.object({
  hostId: z.string().min(1).max(100),
  hostName: z.string().min(1).max(200),
  status: z.enum(HOST_STATUSES),
});
