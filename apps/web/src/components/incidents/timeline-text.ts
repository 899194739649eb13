// The timeline as plain lines, for the postmortem's "copy from timeline" helper: one line per
// entry, "HH:MM actor — what happened", in the order shown on the page. Times are in the
// reader's time zone unless one is given (tests pass "UTC").
import type { TimelineEntry } from "@wheelhouse/shared";
import { approvalDecision, lowerFirst } from "./approval-decision";

function what(entry: TimelineEntry): string {
  switch (entry.kind) {
    case "opened":
      return `opened (${entry.data.severity}, ${entry.data.source === "signal" ? "by a signal" : "by hand"})${entry.data.summary ? `: ${entry.data.summary}` : ""}`;
    case "signal":
      return `${entry.data.kind === "alert" ? "alert" : `signal ${entry.data.kind}`} ${entry.data.state}: ${entry.data.summary}`;
    case "status":
      return `status ${entry.data.from} → ${entry.data.to}`;
    case "severity":
      return `severity ${entry.data.from} → ${entry.data.to}`;
    case "lead":
      return entry.data.leadEmail ? `lead is now ${entry.data.leadEmail}` : "lead cleared";
    case "note":
      return `note: ${entry.data.text.replace(/\s+/g, " ").trim()}`;
    case "runbook.attached":
      return `runbook "${entry.data.title}" v${entry.data.version} attached ${entry.data.by === "rule" ? "by its rules" : "by hand"}`;
    case "runbook.step":
      return `${entry.data.outcome === "done" || entry.data.outcome === "undone" ? "step" : "check"} "${entry.data.stepTitle}": ${entry.data.outcome}${entry.data.finding ? ` — ${entry.data.finding}` : ""}`;
    case "postmortem":
      return "postmortem saved";
    case "deployment":
      return `${entry.data.kind}${entry.data.releaseNumber !== null ? ` of release #${entry.data.releaseNumber}` : ""}: ${entry.data.status}${entry.data.failureReason ? ` (${entry.data.failureReason})` : ""}`;
    case "shell":
      return `shell in ${entry.data.containerName ? `${entry.data.containerName} on ${entry.data.hostName}` : `host ${entry.data.hostName}`}`;
    case "approval":
      return `request #${entry.data.number}: ${lowerFirst(entry.data.summary)} — ${approvalDecision(entry.data)} (${entry.data.status}${entry.data.breakGlass ? ", break-glass" : ""}; reason: ${entry.data.reason})`;
  }
}

export function timelineText(entries: readonly TimelineEntry[], timeZone?: string): string {
  const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone });
  return entries
    .filter((entry) => entry.kind !== "postmortem")
    .map((entry) => `${clock.format(new Date(entry.at))} ${entry.actor ?? "Wheelhouse"} — ${what(entry)}`)
    .join("\n");
}
