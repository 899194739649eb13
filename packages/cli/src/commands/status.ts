// wheelhouse status NAME: the app at a glance — what is live, how the last deployment went, and
// each instance.
import { type AppDetail, shortDigest } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { clean, formatRelativeTime } from "../output/format";
import { renderTable } from "../output/table";
import { printJson, statusTone } from "../output/terminal";
import { describeHealthChecks } from "./apps";
import { parseAppName } from "./arguments";

/** What describing an app needs of the context: the painter and the clock (tests pass just these). */
export type DescribeContext = Pick<Context, "now"> & { terminal: Pick<Context["terminal"], "paint"> };

export function describeApp(app: AppDetail, context: DescribeContext): string {
  const { paint } = context.terminal;
  const now = context.now();
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padEnd(13)}${value}`);

  lines.push(`${app.name} (${app.environment})  ${paint(app.status, statusTone(app.status))}`);
  field("Image", clean(app.image));
  field("Pull policy", app.pullPolicy);
  field("Auto-deploy", app.autoDeploy ? "on (a registry push of this tag deploys it)" : "off");
  field("Domains", app.domains.length > 0 ? app.domains.join(", ") : "none");
  field("Health", describeHealthChecks(app));
  field("Maintenance", app.maintenance ? paint("on", "busy") : "off");
  const live = app.liveRelease;
  field(
    "Live",
    live
      ? `release ${live.number} (${clean(live.imageRef)}, ${shortDigest(live.imageDigest)}) by ${live.createdBy ?? "unknown"}, ${formatRelativeTime(live.createdAt, now)}`
      : "nothing yet",
  );
  const last = app.lastDeployment;
  if (last) {
    const reason = last.reason ? ` — "${clean(last.reason)}"` : "";
    field(
      "Last deploy",
      `${last.kind} ${last.id} ${paint(last.status, statusTone(last.status))} by ${last.requestedBy ?? "unknown"}, ${formatRelativeTime(last.createdAt, now)}${reason}`,
    );
    if (last.failureReason) field("  Failure", clean(last.failureReason));
  } else {
    field("Last deploy", `none; start one with: wheelhouse deploy ${app.name}`);
  }
  lines.push("");
  const body = lines.join("\n");
  if (app.instances.length === 0) return `${body}\nNo instances running.\n`;
  return `${body}\n${renderTable(
    ["HOST", "CONTAINER", "PORT", "RELEASE", "STATUS", "PROBED", "PROBLEM"],
    app.instances.map((instance) => [
      instance.hostName,
      instance.containerName,
      instance.hostPort,
      instance.releaseNumber,
      paint(instance.status, statusTone(instance.status)),
      instance.probedAt === null ? null : formatRelativeTime(instance.probedAt, now),
      instanceProblem(instance),
    ]),
  )}`;
}

/** Why an instance is not serving: the live probe's reason first (it decides nginx), then its container's. */
function instanceProblem(instance: AppDetail["instances"][number]): string | null {
  const problems = [
    instance.probeHealthy === false && instance.probeReason !== null ? `not ready: ${instance.probeReason}` : null,
    instance.failureReason,
  ].filter((problem): problem is string => problem !== null);
  return problems.length === 0 ? null : clean(problems.join("; "));
}

async function showStatus(context: Context, rawName: string, options: { json?: boolean }): Promise<void> {
  const app = await connect(context).getApp(parseAppName(rawName));
  if (options.json) return printJson(context.terminal, app);
  context.terminal.out(describeApp(app, context));
}

export function registerStatusCommand(program: Command, context: Context): void {
  program
    .command("status")
    .description("Show an app: its live release, last deployment and instances.")
    .argument("<name>", "the app")
    .option("--json", "print the app as a JSON object")
    .action((name: string, options: { json?: boolean }) => showStatus(context, name, options));
}
