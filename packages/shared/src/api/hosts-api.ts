// The request and response shapes of the hosts API: the Hosts page (tRPC), REST under /api/v1 and
// `wheelhouse hosts` all use these. Dates are ISO 8601 strings, as in apps-api.ts.
import { z } from "zod";
import { AGENT_VERSION_STATUSES } from "../hosts/agent-version";
import { hostFactsSchema } from "../protocol/host-facts";
import { HOST_STATUSES } from "../statuses/host-statuses";

const isoDate = z.string();

/** Host names: what a person would call the machine; letters, digits, dots, dashes. */
export const hostNameSchema = z
  .string()
  .trim()
  .min(1, { message: "Enter a name for the host." })
  .max(63, { message: "Use at most 63 characters for the host name." })
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/, {
    message: "Use letters, digits, dots and dashes for the host name, starting with a letter or digit.",
  });

export const createEnrollmentInputSchema = z
  .object({
    name: hostNameSchema,
    ttlMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(60),
  })
  .strict();

/** The portal as an agent's installer needs it. */
export const portalInfoSchema = z.object({
  version: z.string(),
  /**
   * PUBLIC_URL when it is set. Null when it is not: the portal cannot know the address hosts reach
   * it at, so the page uses its own origin and the CLI the address it is logged in to.
   */
  publicUrl: z.string().nullable(),
});
export type PortalInfo = z.infer<typeof portalInfoSchema>;

/** A new enrolment token: shown once. Build the line to run with agentInstallCommand(). */
export const enrollmentSchema = z.object({
  token: z.string(),
  expiresAt: isoDate,
  portal: portalInfoSchema,
});

export const hostRefSchema = z.object({ hostId: z.string().min(1).max(64) }).strict();

export const hostSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(HOST_STATUSES),
  /** What the agent said at enrolment or its latest hello; null before either. */
  agentVersion: z.string().nullable(),
  /** agentVersion against the portal's version (hosts/agent-version.ts); "older" wants an upgrade. */
  agentVersionStatus: z.enum(AGENT_VERSION_STATUSES),
  facts: hostFactsSchema.nullable(),
  dockerError: z.string().nullable(),
  lastSeenAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
  createdAt: isoDate,
  /** Set while two agents use this host's key: the page says "in use by two agents". */
  keyConflict: z.object({ since: isoDate, refusedAttempts: z.number().int(), lastRefusedAt: isoDate }).nullable(),
});
export type HostView = z.infer<typeof hostSchema>;

export const hostListSchema = z.object({
  hosts: z.array(hostSchema),
  pendingEnrollments: z.array(z.object({ id: z.string(), hostName: z.string(), expiresAt: isoDate })),
  portal: portalInfoSchema,
});
