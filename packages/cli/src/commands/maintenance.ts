// wheelhouse maintenance NAME on|off.
import { Argument, type Command } from "commander";
import { type Context, connect } from "../context";
import { parseAppName } from "./arguments";

async function setMaintenance(context: Context, rawName: string, state: "on" | "off"): Promise<void> {
  const app = await connect(context).setMaintenance(parseAppName(rawName), state === "on");
  context.terminal.out(
    app.maintenance
      ? `${app.name} is in maintenance: visitors get the maintenance page. Turn it off with: wheelhouse maintenance ${app.name} off\n`
      : `${app.name} is out of maintenance and serving traffic again.\n`,
  );
}

export function registerMaintenanceCommand(program: Command, context: Context): void {
  program
    .command("maintenance")
    .description("Turn an app's maintenance page on or off.")
    .argument("<name>", "the app")
    .addArgument(new Argument("<state>", "on or off").choices(["on", "off"]))
    .action((name: string, state: "on" | "off") => setMaintenance(context, name, state));
}
