// wheelhouse incidents list / show: the team's incidents and one incident's timeline, readable in a
// terminal, or as JSON for scripts (--json prints what the portal answered).
import {
  INCIDENT_LIST_STATUSES,
  type IncidentDetail,
  type IncidentStatus,
  type IncidentSummary,
  type TimelineEntry,
} from "@wheelhouse/shared";
import type { Command } from "commander";
import { z } from "zod";
import { type Context, connect } from "../context";
import { ApiError, UsageError } from "../errors";
import { clean, formatRelativeTime } from "../output/format";
import { renderTable } from "../output/table";
import { printJson, type Tone } from "../output/terminal";
import { parseArgument } from "./arguments";

type ListStatus = (typeof INCIDENT_LIST_STATUSES)[number];

const statusOption = z.enum(INCIDENT_LIST_STATUSES, {
  message: `--status is one of: ${INCIDENT_LIST_STATUSES.join(", ")}.`,
});

const STATUS_TONES: Record<IncidentStatus, Tone> = {
  Investigating: "bad",
  Identified: "busy",
  Monitoring: "busy",
  Resolved: "good",
};

/** "2026-11-22 10:00:05 UTC": the timeline's instants, absolute so that lines compare at a glance. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function subject(incident: Pick<IncidentSummary, "app" | "host">): string | null {
  if (incident.app) return clean(incident.app);
  return incident.host ? `host ${clean(incident.host.name)}` : null;
}

export function incidentsTable(incidents: readonly IncidentSummary[], context: Context): string {
  const now = context.now();
  const paint = context.terminal.paint;
  return renderTable(
    ["#", "SEVERITY", "STATUS", "APP", "TITLE", "OPENED"],
    incidents.map((incident) => [
      `#${incident.number}`,
      incident.severity,
      paint(incident.status, STATUS_TONES[incident.status]),
      subject(incident),
      clean(incident.title),
      formatRelativeTime(incident.openedAt, now),
    ]),
  );
}

/** What one timeline entry says, after its kind: one line, the parts a person acts on first. */
export function describeEntry(entry: TimelineEntry): string {
  switch (entry.kind) {
    case "opened":
      return `opened ${entry.data.severity} by ${entry.data.source === "signal" ? "a signal" : "hand"}: ${clean(entry.data.summary)}`;
    case "signal":
      return `${entry.data.kind}${entry.data.state === "resolved" ? " (resolved)" : ""}: ${clean(entry.data.summary)}`;
    case "status":
      return `${entry.data.from} → ${entry.data.to}`;
    case "severity":
      return `${entry.data.from} → ${entry.data.to}`;
    case "lead":
      return entry.data.leadEmail ? `lead is now ${clean(entry.data.leadEmail)}` : "no lead";
    case "note":
      return clean(entry.data.text).replace(/\s+/g, " ");
    case "runbook.attached":
      return `${clean(entry.data.title)} (${entry.data.slug} v${entry.data.version}) attached by ${entry.data.by}`;
    case "runbook.step": {
      const finding = entry.data.finding ? `: ${clean(entry.data.finding)}` : "";
      return `${clean(entry.data.stepTitle)} (${entry.data.slug}) ${entry.data.outcome}${entry.data.automatic ? ", automatic" : ""}${finding}`;
    }
    case "postmortem":
      return entry.data.summary ? `postmortem saved: ${clean(entry.data.summary)}` : "postmortem saved";
    case "deployment": {
      const release = entry.data.releaseNumber === null ? "" : ` release ${entry.data.releaseNumber}`;
      const reason = entry.data.failureReason ? `: ${clean(entry.data.failureReason)}` : "";
      return `${entry.data.kind}${release} ${entry.data.status}${reason}`;
    }
    case "shell": {
      const where = entry.data.containerName
        ? `${clean(entry.data.containerName)} on ${clean(entry.data.hostName)}`
        : clean(entry.data.hostName);
      const recording = entry.data.hasRecording ? " (recorded)" : "";
      return `${entry.data.kind} shell in ${where}${entry.data.endedAt ? "" : ", still open"}${recording}`;
    }
    case "approval": {
      const flag = entry.data.breakGlass ? "break-glass " : "";
      return `${flag}#${entry.data.number} ${clean(entry.data.summary)} ${entry.data.status}: ${clean(entry.data.reason)}`;
    }
  }
}

// The longest kind ("runbook.attached") and two spaces, so a column never runs into the text.
const KIND_WIDTH = 18;

export function timelineLines(timeline: readonly TimelineEntry[]): string {
  return timeline
    .map((entry) => {
      const actor = entry.actor ? ` · ${clean(entry.actor)}` : "";
      return `  ${formatInstant(entry.at)}  ${entry.kind.padEnd(KIND_WIDTH)}${describeEntry(entry)}${actor}\n`;
    })
    .join("");
}

function renderIncident(incident: IncidentDetail, context: Context): string {
  const paint = context.terminal.paint;
  const facts = [
    `Severity ${incident.severity}`,
    `Status ${paint(incident.status, STATUS_TONES[incident.status])}`,
    subject(incident) ? `App ${subject(incident)}` : null,
    `Lead ${incident.lead ? clean(incident.lead.email) : "nobody"}`,
  ].filter((part) => part !== null);
  const opened = `Opened ${formatRelativeTime(incident.openedAt, context.now())} (${formatInstant(incident.openedAt)}) by ${clean(incident.openedBy)}`;
  const resolved = incident.resolvedAt ? `; resolved ${formatInstant(incident.resolvedAt)}` : "";
  const lines = [
    `#${incident.number} ${clean(incident.title)}`,
    facts.join(" · "),
    `${opened}${resolved}; ${incident.signals} signal${incident.signals === 1 ? "" : "s"}`,
    "",
    "Timeline",
    timelineLines(incident.timeline).trimEnd() || "  (empty)",
  ];
  if (incident.runbooks.length > 0) {
    lines.push("", "Runbooks");
    for (const run of incident.runbooks) {
      const finished = run.steps.filter((step) => step.outcome !== null && step.outcome !== "running").length;
      lines.push(
        `  ${clean(run.title)} (${run.slug} v${run.version}, by ${run.attachedBy}): ${finished}/${run.steps.length} steps done`,
      );
    }
  }
  const postmortem = incident.postmortem;
  if (postmortem.summary || postmortem.actionItems.length > 0) {
    lines.push("", "Postmortem", `  ${clean(postmortem.summary).replace(/\s+/g, " ")}`);
    for (const item of postmortem.actionItems) {
      lines.push(`  [${item.done ? "x" : " "}] ${clean(item.text)}${item.owner ? ` (${clean(item.owner)})` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function listCommand(context: Context, options: { status: string; json?: boolean }): Promise<void> {
  const status: ListStatus = parseArgument(statusOption, options.status, "--status");
  const incidents = await connect(context).listIncidents(status);
  if (options.json) return printJson(context.terminal, incidents);
  if (incidents.length === 0) {
    const none =
      status === "open" ? "No open incidents." : status === "resolved" ? "No resolved incidents." : "No incidents yet.";
    context.terminal.out(
      `${none}${status === "open" ? " See past ones with: wheelhouse incidents list --status all" : ""}\n`,
    );
    return;
  }
  context.terminal.out(incidentsTable(incidents, context));
}

/** "12" or "#12" is the team's incident number; anything else is the incident's id. */
export function incidentNumber(reference: string): number | null {
  const match = /^#?(\d{1,9})$/.exec(reference.trim());
  return match ? Number(match[1]) : null;
}

async function showCommand(context: Context, reference: string, options: { json?: boolean }): Promise<void> {
  const trimmed = reference.trim();
  if (trimmed === "" || trimmed.length > 64)
    throw new UsageError(`ID "${reference}": give the incident's number (#12) or id.`);
  const client = connect(context);
  const number = incidentNumber(trimmed);
  let id = trimmed;
  if (number !== null) {
    // The API addresses incidents by id; the number is what people say, so look it up.
    const found = (await client.listIncidents("all", 500)).find((incident) => incident.number === number);
    if (!found)
      throw new ApiError(
        `There is no incident #${number} in your team (see wheelhouse incidents list --status all).`,
        404,
        "NOT_FOUND",
      );
    id = found.id;
  }
  const incident = await client.getIncident(id);
  if (options.json) return printJson(context.terminal, incident);
  context.terminal.out(renderIncident(incident, context));
}

export function registerIncidentsCommands(program: Command, context: Context): void {
  const incidents = program
    .command("incidents")
    .description("The team's incidents: opened by hand or by signals (failed deploys, lost agents, alerts).");

  incidents
    .command("list")
    .description("List incidents, newest first: number, severity, status, app, title and when it opened.")
    .option("--status <status>", `which incidents: ${INCIDENT_LIST_STATUSES.join(", ")}`, "open")
    .option("--json", "print the incidents as a JSON array (id, number, title, severity, status, app, openedAt, …)")
    .action((options: { status: string; json?: boolean }) => listCommand(context, options));

  incidents
    .command("show")
    .description(
      "Show one incident: its facts, timeline (signals, status changes, deploys, shells, steps), runbooks and postmortem.",
    )
    .argument("<id>", "the incident's number (12 or #12) or its id")
    .option("--json", "print the incident as a JSON object, timeline included")
    .addHelpText(
      "after",
      `
Examples:
  wheelhouse incidents show 12
  wheelhouse incidents show 12 --json | jq '.timeline[] | select(.kind == "signal")'`,
    )
    .action((reference: string, options: { json?: boolean }) => showCommand(context, reference, options));
}
