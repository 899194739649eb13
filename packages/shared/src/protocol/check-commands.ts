// check.run: one runbook check on the agent's host (issue 13). The portal fills in placeholders and
// the app's instances on this host before sending; the agent never looks anything up in the portal.
import { z } from "zod";
import { CHECK_PARAMS, CHECK_RUNS_ON, type CheckKind, checkResultSchema } from "../runbooks/check-catalogue";

const containerId = z.string().regex(/^[0-9a-f]{64}$/);

/** The incident's app as it is on this host, for checks that look at "the app". */
export const checkAppContextSchema = z
  .object({
    appId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    appName: z.string().min(1).max(40),
    containerPort: z.number().int().min(1).max(65_535),
    readinessPath: z.string().min(1).max(200),
    livenessPath: z.string().min(1).max(200).nullable(),
    metricsPath: z.string().min(1).max(200).nullable(),
    instances: z
      .array(
        z
          .object({
            containerId,
            /** 127.0.0.1 port of the app port, and of the probe/metrics port when separate. */
            hostPort: z.number().int().min(1).max(65_535).nullable(),
            probeHostPort: z.number().int().min(1).max(65_535).nullable(),
            metricsHostPort: z.number().int().min(1).max(65_535).nullable(),
          })
          .strict(),
      )
      .max(200),
  })
  .strict();
export type CheckAppContext = z.infer<typeof checkAppContextSchema>;

export type AgentCheckKind = { [K in CheckKind]: (typeof CHECK_RUNS_ON)[K] extends "agent" ? K : never }[CheckKind];
const AGENT_CHECK_KINDS = (Object.keys(CHECK_RUNS_ON) as CheckKind[]).filter(
  (kind): kind is AgentCheckKind => CHECK_RUNS_ON[kind] === "agent",
);

/** One agent check: its kind and parameters (already filled in and parsed by the portal). */
export const agentCheckSchema = z
  .object({
    kind: z.enum(AGENT_CHECK_KINDS as [AgentCheckKind, ...AgentCheckKind[]]),
    params: z.record(z.string(), z.unknown()),
  })
  .strict()
  .superRefine((check, context) => {
    const parsed = (CHECK_PARAMS[check.kind] as z.ZodType).safeParse(check.params);
    if (!parsed.success)
      context.addIssue({ code: "custom", message: `${check.kind}: ${parsed.error.issues[0]?.message}` });
  });
export type AgentCheck = z.infer<typeof agentCheckSchema>;

export const CHECK_COMMANDS = {
  "check.run": {
    params: z
      .object({
        check: agentCheckSchema,
        /** Null for checks that do not look at an app (disk, DNS, a URL, a port). */
        app: checkAppContextSchema.nullable(),
      })
      .strict(),
    result: checkResultSchema,
  },
} as const;
