// What an approval request binds (issue 14): the exact parameters the action will run with, shown to
// reviewers as they were asked, and checked again when it executes. A reviewer approves *this*
// release on *these* hosts with *these* replicas, never "whatever rollback means by then".
import { z } from "zod";

const hostRef = z.object({ id: z.string().max(64), name: z.string().max(200) });
const releaseRef = {
  releaseNumber: z.number().int().min(1),
  releaseId: z.string().max(64),
  imageDigest: z.string().max(500),
};
const hosts = z.array(hostRef).max(200);
const replicas = z.number().int().min(1);

export const approvalParamsSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("apps.rollback"), ...releaseRef, hosts, replicas }),
  /** A deploy binds the image reference as asked; the release (and its digest) is made when it runs. */
  z.object({ action: z.literal("apps.deploy"), imageRef: z.string().max(500), hosts, replicas }),
  z.object({ action: z.literal("apps.restart"), ...releaseRef, hosts, replicas }),
  z.object({ action: z.literal("apps.scale"), ...releaseRef, hosts, fromReplicas: replicas, replicas }),
  z.object({ action: z.literal("apps.maintenance"), enabled: z.boolean(), hosts }),
]);
export type ApprovalParams = z.infer<typeof approvalParamsSchema>;

/**
 * What must still hold when the request executes, else it fails and says which changed: the app's
 * settings (a fingerprint over everything a deploy reads, hosts included) and the deployment live
 * when it was asked (a newer one going Live in between changes what "roll back" means).
 */
export const approvalBindingSchema = z.object({
  appFingerprint: z.string().max(128),
  liveDeploymentId: z.string().max(64).nullable(),
  /** A short hash per setting (hosts, env, …), so a failed execution can say which ones changed. */
  fields: z.record(z.string().max(40), z.string().max(64)).optional(),
});
export type ApprovalBinding = z.infer<typeof approvalBindingSchema>;

/** One line a person reads: "Roll back to release 3 (sha256:…) on web-1, 2 replicas". */
export function describeApprovalParams(params: ApprovalParams): string {
  const on = params.hosts.length > 0 ? ` on ${params.hosts.map((host) => host.name).join(", ")}` : "";
  switch (params.action) {
    case "apps.rollback":
      return `Roll back to release ${params.releaseNumber}${on}, ${params.replicas} per host`;
    case "apps.deploy":
      return `Deploy ${params.imageRef}${on}, ${params.replicas} per host`;
    case "apps.restart":
      return `Restart release ${params.releaseNumber}${on}`;
    case "apps.scale":
      return `Scale from ${params.fromReplicas} to ${params.replicas} per host${on}`;
    case "apps.maintenance":
      return `${params.enabled ? "Turn maintenance mode on" : "Turn maintenance mode off"}${on}`;
  }
}
