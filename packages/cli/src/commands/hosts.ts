// wheelhouse hosts add / list / revoke: the Hosts page's enrolment, listing and revocation.
import {
  agentInstallCommand,
  type HostStatus,
  type HostView,
  hostNameSchema,
  type PortalInfo,
} from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { OperationFailedError } from "../errors";
import { clean, formatRelativeTime } from "../output/format";
import { renderTable } from "../output/table";
import { printJson, type Tone } from "../output/terminal";
import { parseArgument } from "./arguments";

const STATUS_LABELS: Record<HostStatus, [label: string, tone: Tone]> = {
  online: ["Online", "good"],
  lost: ["Lost", "bad"],
  revoked: ["Revoked", "muted"],
  pending: ["Pending", "busy"],
};

/**
 * The address hosts reach the portal at: PUBLIC_URL when the portal has one, else the address
 * this CLI reached it at (which is what the person using it knows works).
 */
export function portalAddress(portal: PortalInfo, connectionUrl: string): string {
  return portal.publicUrl ?? connectionUrl;
}

function parseHostName(value: string): string {
  return parseArgument(hostNameSchema, value, `NAME "${value}"`);
}

async function addHost(context: Context, rawName: string, options: { json?: boolean }): Promise<void> {
  const name = parseHostName(rawName);
  const client = connect(context);
  const created = await client.createEnrollment(name);
  const portalUrl = portalAddress(created.portal, client.connection.url);
  const command = agentInstallCommand(portalUrl, created.token);
  if (options.json) {
    return printJson(context.terminal, {
      name,
      token: created.token,
      expiresAt: created.expiresAt,
      portalUrl,
      command,
    });
  }
  // The line alone on stdout, so that `ssh root@web-2 "$(wheelhouse hosts add web-2)"` works.
  context.terminal.err(
    `Run this on ${name} as root. It installs the agent, enrols it with a single-use token that expires ${formatExpiry(created.expiresAt, context.now())}, and waits until the host is Online:\n\n`,
  );
  context.terminal.out(`${command}\n`);
  context.terminal.err(`\nThen: wheelhouse hosts list\n`);
}

function formatExpiry(iso: string, now: Date): string {
  const minutes = Math.round((Date.parse(iso) - now.getTime()) / 60_000);
  return Number.isFinite(minutes) && minutes > 0 ? `in ${minutes} min` : `at ${iso}`;
}

function versionCell(host: HostView, portal: PortalInfo, paint: Context["terminal"]["paint"]): string | null {
  if (!host.agentVersion) return null;
  const version = clean(host.agentVersion);
  return host.agentVersionStatus === "older" ? paint(`${version} (older than ${portal.version})`, "bad") : version;
}

export function hostsTable(hosts: readonly HostView[], portal: PortalInfo, context: Context): string {
  const now = context.now();
  const { paint } = context.terminal;
  return renderTable(
    ["NAME", "STATUS", "AGENT", "LAST SEEN"],
    hosts.map((host) => {
      const [label, tone] = STATUS_LABELS[host.status];
      return [
        clean(host.name),
        paint(label, tone),
        versionCell(host, portal, paint),
        host.lastSeenAt ? formatRelativeTime(host.lastSeenAt, now) : "never",
      ];
    }),
  );
}

async function listHosts(context: Context, options: { json?: boolean }): Promise<void> {
  const client = connect(context);
  const { hosts, portal } = await client.listHosts();
  if (options.json) return printJson(context.terminal, hosts);
  if (hosts.length === 0) {
    context.terminal.out("No hosts yet. Add one with: wheelhouse hosts add NAME\n");
    return;
  }
  context.terminal.out(hostsTable(hosts, portal, context));
  const older = hosts.filter((host) => host.agentVersionStatus === "older" && host.status !== "revoked");
  if (older.length > 0) {
    // Re-running the installer without a token upgrades in place and keeps the host's agent.json.
    context.terminal.err(
      `\n${older.length === 1 ? "1 agent is" : `${older.length} agents are`} older than the portal (${portal.version}). Upgrade each by running on it:\n  ${agentInstallCommand(portalAddress(portal, client.connection.url))}\n`,
    );
  }
}

async function revokeHost(context: Context, rawName: string): Promise<void> {
  const name = parseHostName(rawName);
  const client = connect(context);
  const { hosts } = await client.listHosts();
  const host = hosts.find((candidate) => candidate.name === name);
  if (!host) {
    const known = hosts.filter((candidate) => candidate.status !== "revoked").map((candidate) => candidate.name);
    throw new OperationFailedError(
      `There is no host named ${name} in your team${known.length > 0 ? ` (hosts: ${known.join(", ")})` : ""}; see wheelhouse hosts list.`,
    );
  }
  if (host.status === "revoked") {
    context.terminal.out(`${name} was already revoked.\n`);
    return;
  }
  await client.revokeHost(host.id);
  context.terminal.out(`Revoked ${name}: its agent was disconnected and its key no longer works.\n`);
}

export function registerHostsCommands(program: Command, context: Context): void {
  const hosts = program
    .command("hosts")
    .description("Add, list and revoke Docker hosts (adding and revoking need admin).");

  hosts
    .command("add")
    .description("Create a single-use enrolment token and print the one line that installs the agent on the host.")
    .argument("<name>", "what to call the host: letters, digits, dots and dashes, e.g. web-2")
    .option("--json", "print name, token, expiresAt, portalUrl and command as a JSON object")
    .addHelpText(
      "after",
      `
The line goes to stdout and the explanation to stderr, so it can be handed straight to the host:
  ssh root@web-2 "$(wheelhouse hosts add web-2)"`,
    )
    .action((name: string, options: { json?: boolean }) => addHost(context, name, options));

  hosts
    .command("list")
    .description("List the team's hosts: status, agent version (marked when older than the portal), last seen.")
    .option("--json", "print the hosts as a JSON array")
    .action((options: { json?: boolean }) => listHosts(context, options));

  hosts
    .command("revoke")
    .description("Revoke a host: its agent is disconnected at once and its key stops working.")
    .argument("<name>", "the host's name, as wheelhouse hosts list shows it")
    .addHelpText("after", "\nExample:\n  wheelhouse hosts revoke web-2")
    .action((name: string) => revokeHost(context, name));
}
