// wheelhouse teams list / create (issue 16): the teams the key's owner belongs to, and a new one. A
// key works in the team it was made in, so switching is the portal's header switcher, not a command.
import { createTeamInputSchema, type MyTeam } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { clean } from "../output/format";
import { renderTable } from "../output/table";
import { printJson } from "../output/terminal";
import { parseArgument } from "./arguments";

export function teamsTable(teams: readonly MyTeam[]): string {
  return renderTable(
    ["CURRENT", "NAME", "ROLE", "SLUG"],
    teams.map((team) => [team.current ? "*" : "", clean(team.name), team.role, team.slug]),
  );
}

async function listTeams(context: Context, options: { json?: boolean }): Promise<void> {
  const teams = await connect(context).listMyTeams();
  if (options.json) return printJson(context.terminal, teams);
  context.terminal.out(teamsTable(teams));
}

async function createTeam(context: Context, rawName: string, options: { json?: boolean }): Promise<void> {
  const { name } = parseArgument(createTeamInputSchema, { name: rawName }, `NAME "${clean(rawName)}"`);
  const team = await connect(context).createTeam(name);
  if (options.json) return printJson(context.terminal, team);
  context.terminal.out(
    `Created team ${clean(team.name)} with you as its admin. This key stays in its own team: switch to ${clean(team.name)} in the portal's header and make an API key there to work in it from here.\n`,
  );
}

export function registerTeamsCommands(program: Command, context: Context): void {
  const teams = program
    .command("teams")
    .description("List your teams and create one (a key works in the team it was made in, marked current).");

  teams
    .command("list")
    .description("List the teams you belong to, with your role in each; * marks this key's team.")
    .option("--json", "print the teams as a JSON array of { id, name, slug, role, current }")
    .action((options: { json?: boolean }) => listTeams(context, options));

  teams
    .command("create")
    .description("Create a team with you as its admin (admins only). It starts empty: no apps, hosts or members.")
    .argument("<name>", "the team's name, at most 60 characters, unique in the portal")
    .option("--json", "print the new team as a JSON object { id, name, slug }")
    .addHelpText("after", "\nExample:\n  wheelhouse teams create 'Blue team'")
    .action((name: string, options: { json?: boolean }) => createTeam(context, name, options));
}
