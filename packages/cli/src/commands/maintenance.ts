// wheelhouse maintenance NAME on|off. Gated like a deploy (issue 14): a policy may make the switch
// wait for approval, which prints the request and exits 3 (gate-options.ts).
import { Argument, type Command } from "commander";
import { type Context, connect } from "../context";
import { printJson } from "../output/terminal";
import { parseAppName } from "./arguments";
import {
  type GateOptions,
  gateFields,
  reportBreakGlass,
  reportWaitingForApproval,
  withGateOptions,
} from "./gate-options";

async function setMaintenance(
  context: Context,
  rawName: string,
  state: "on" | "off",
  options: GateOptions,
): Promise<void> {
  const name = parseAppName(rawName);
  const gate = gateFields(options);
  const answer = await connect(context).setMaintenance(name, { enabled: state === "on", ...gate });
  if (answer.approval) reportWaitingForApproval(context, answer.approval, options);
  reportBreakGlass(context, options);
  const { app } = answer;
  if (options.json) return printJson(context.terminal, app);
  context.terminal.out(
    app.maintenance
      ? `${app.name} is in maintenance: visitors get the maintenance page. Turn it off with: wheelhouse maintenance ${app.name} off\n`
      : `${app.name} is out of maintenance and serving traffic again.\n`,
  );
}

export function registerMaintenanceCommand(program: Command, context: Context): void {
  const command = program
    .command("maintenance")
    .description("Turn an app's maintenance page on or off. May wait for approval (exit 3).")
    .argument("<name>", "the app")
    .addArgument(new Argument("<state>", "on or off").choices(["on", "off"]));
  withGateOptions(command)
    .addHelpText(
      "after",
      "\nExamples:\n  wheelhouse maintenance shop on --reason 'database migration'\n  wheelhouse maintenance shop off",
    )
    .action((name: string, state: "on" | "off", options: GateOptions) => setMaintenance(context, name, state, options));
}
