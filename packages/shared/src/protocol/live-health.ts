// Live health (issue 13): the portal tells each agent which live instances to probe, and the agent
// reports transitions. `health.watch` always carries the host's complete list (idempotent: sending it
// twice changes nothing), so a restart of either side is mended by the next list, which the portal
// sends on every agent (re)connect and after every switch or stop (docs/decisions/030-live-health.md).
import { z } from "zod";

const containerId = z.string().regex(/^[0-9a-f]{64}$/);
const entityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const path = z.string().min(1).max(200).startsWith("/");
const port = z.number().int().min(1).max(65_535);

/** One live instance to probe, with its app's settings (from the release it runs). */
export const watchedInstanceSchema = z
  .object({
    instanceId: entityId,
    containerId,
    /** For the reason sentences and the agent's log. */
    containerName: z.string().min(1).max(200),
    /** 127.0.0.1 port that reaches the probe port (the app port when the app has no probe port). */
    probeHostPort: port,
    readinessPath: path,
    /** Null: no liveness probe. */
    livenessPath: path.nullable(),
    intervalMs: z.number().int().min(1_000).max(300_000),
    timeoutMs: z.number().int().min(1_000).max(60_000),
    failureThreshold: z.number().int().min(1).max(20),
    successThreshold: z.number().int().min(1).max(20),
    /**
     * What the portal last recorded: an agent that knows otherwise (it reported while the link was
     * down, or it restarted) reports its own verdict again once it has one.
     */
    healthy: z.boolean(),
  })
  .strict();
export type WatchedInstance = z.infer<typeof watchedInstanceSchema>;

/** More than any host runs: agents cap their app containers far below this. */
export const MAX_WATCHED_INSTANCES = 2_000;

export const LIVE_HEALTH_COMMANDS = {
  /** Probe exactly these instances from now on (the host's complete list); the others are forgotten. */
  "health.watch": {
    params: z.object({ instances: z.array(watchedInstanceSchema).max(MAX_WATCHED_INSTANCES) }).strict(),
    result: z.object({ watching: z.number().int().min(0) }),
  },
} as const;

export const PROBE_KINDS = ["readiness", "liveness"] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/**
 * Agent → portal, on transitions only: readiness became unhealthy or healthy again, or liveness
 * failed `failureThreshold` times and the container was restarted (`restarted`).
 */
export const instanceHealthEventSchema = z
  .object({
    instanceId: entityId,
    containerId,
    probe: z.enum(PROBE_KINDS),
    healthy: z.boolean(),
    /** "GET /ready on 127.0.0.1:32768 answered 404", "no answer within 2 s"; null when healthy. */
    reason: z.string().min(1).max(500).nullable(),
    restarted: z.boolean(),
    /** When the deciding probe ended (ms since the epoch, agent's clock). */
    at: z.number().int().min(0),
  })
  .strict();
export type InstanceHealthEvent = z.infer<typeof instanceHealthEventSchema>;
