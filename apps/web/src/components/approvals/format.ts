// Words and paths for approval requests, said the same way on every page that shows one.
import { type ApprovalStatus, ENVIRONMENTS, type Environment, type GatedAction } from "@wheelhouse/shared";

export function approvalPath(request: { number: number }): string {
  return `/approvals/${request.number}`;
}

export const APPROVAL_STATUS_LABELS: Record<ApprovalStatus, string> = {
  pending: "Waiting",
  executing: "Running",
  executed: "Executed",
  failed: "Failed",
  denied: "Denied",
  expired: "Expired",
  cancelled: "Cancelled",
};

/** The verb on a dialog's button once the action waits for approval: "Request rollback". */
export const REQUEST_LABELS: Record<GatedAction, string> = {
  "apps.rollback": "Request rollback",
  "apps.deploy": "Request deploy",
  "apps.restart": "Request restart",
  "apps.scale": "Request scale",
  "apps.maintenance": "Request maintenance",
};

const UNITS = [
  { seconds: 86_400, one: "day", many: "days" },
  { seconds: 3_600, one: "hour", many: "hours" },
  { seconds: 60, one: "minute", many: "minutes" },
] as const;

/** "24 hours", "90 minutes": the largest unit that divides it, so nothing is rounded away. */
export function durationLabel(seconds: number): string {
  const unit = UNITS.find((u) => seconds % u.seconds === 0) ?? { seconds: 1, one: "second", many: "seconds" };
  const count = seconds / unit.seconds;
  return `${count} ${count === 1 ? unit.one : unit.many}`;
}

/** "an approver or admin", "2 approvers or admins". */
export function reviewersLabel(approvals: number, roles: readonly string[]): string {
  const names = roles.map((role) => (approvals === 1 ? role : `${role}s`));
  const joined = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : (names[0] ?? "");
  if (approvals !== 1) return `${approvals} ${joined}`;
  return `${/^[aeiou]/.test(joined) ? "an" : "a"} ${joined}`;
}

/** A request stores the environment as the app had it; an unknown word is shown as text, not guessed. */
export function asEnvironment(value: string): Environment | null {
  return (ENVIRONMENTS as readonly string[]).includes(value) ? (value as Environment) : null;
}
