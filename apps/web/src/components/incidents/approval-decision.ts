// How an approval request of the incident's app reads on its timeline, as words (the page and the
// postmortem's "copy from timeline" say it the same way).
import type { TimelineEntry } from "@wheelhouse/shared";

export type ApprovalEntryData = Extract<TimelineEntry, { kind: "approval" }>["data"];

/** Who decided, in a few words: "approved by a, b", "denied by c", "run without approval by d". */
export function approvalDecision(data: ApprovalEntryData): string {
  if (data.breakGlass) return `run without approval by ${data.requester}`;
  const denied = data.reviews.filter((review) => review.decision === "deny").map((review) => review.email);
  if (denied.length > 0) return `denied by ${denied.join(", ")}`;
  const approved = data.reviews.filter((review) => review.decision === "approve").map((review) => review.email);
  if (approved.length > 0) return `approved by ${approved.join(", ")}`;
  if (data.status === "cancelled") return `cancelled by ${data.requester}`;
  if (data.status === "expired") return "expired without approval";
  return `asked by ${data.requester}, waiting for approval`;
}

/** "roll back to release 3 on web-1, 1 per host": the summary inside a sentence. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
