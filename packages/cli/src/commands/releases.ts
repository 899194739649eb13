// wheelhouse releases NAME: the release history, newest first, with the live one marked.
import { type Release, shortDigest } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { clean, formatRelativeTime } from "../output/format";
import { renderTable } from "../output/table";
import { printJson } from "../output/terminal";
import { parseAppName } from "./arguments";

export function releasesTable(releases: readonly Release[], context: Context): string {
  const { paint } = context.terminal;
  const now = context.now();
  return renderTable(
    ["#", "LIVE", "IMAGE", "DIGEST", "BY", "WHEN", "REASON"],
    releases.map((release) => [
      release.number,
      release.live ? paint("live", "good") : "",
      clean(release.imageRef),
      shortDigest(release.imageDigest),
      release.createdBy,
      formatRelativeTime(release.createdAt, now),
      release.reason === null ? null : clean(release.reason),
    ]),
  );
}

async function listReleases(context: Context, rawName: string, options: { json?: boolean }): Promise<void> {
  const name = parseAppName(rawName);
  const releases = await connect(context).listReleases(name);
  if (options.json) return printJson(context.terminal, releases);
  if (releases.length === 0) {
    context.terminal.out(`${name} has no releases yet; the first deploy makes one: wheelhouse deploy ${name}\n`);
    return;
  }
  context.terminal.out(releasesTable(releases, context));
}

export function registerReleasesCommand(program: Command, context: Context): void {
  program
    .command("releases")
    .description("List an app's releases, newest first; roll back to one with wheelhouse rollback NAME --to N.")
    .argument("<name>", "the app")
    .option("--json", "print the releases as a JSON array")
    .action((name: string, options: { json?: boolean }) => listReleases(context, name, options));
}
