// wheelhouse restart / scale: fresh instances of the live release, or another number of them per
// host. Gated like deploy and rollback (issue 14): a policy may make either wait for approval,
// which prints the request and exits 3.
import { replicasSchema } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { parseAppName, parseArgument, wholeNumber } from "./arguments";
import { type DeploymentOptions, deploymentOf, follow, WAIT_HELP } from "./deploy";
import { gateFields, withGateOptions } from "./gate-options";

interface ScaleOptions extends DeploymentOptions {
  replicas: string;
}

async function restart(context: Context, rawName: string, options: DeploymentOptions): Promise<void> {
  const name = parseAppName(rawName);
  const gate = gateFields(options);
  const client = connect(context);
  const deployment = deploymentOf(context, await client.restart(name, gate), options);
  await follow(context, client, deployment, "Restarting", options);
}

async function scale(context: Context, rawName: string, options: ScaleOptions): Promise<void> {
  const name = parseAppName(rawName);
  const replicas = parseArgument(replicasSchema, wholeNumber(options.replicas), "--replicas");
  const gate = gateFields(options);
  const client = connect(context);
  const deployment = deploymentOf(context, await client.scale(name, { replicas, ...gate }), options);
  await follow(context, client, deployment, `Scaling to ${replicas} per host`, options);
}

export function registerRestartScaleCommands(program: Command, context: Context): void {
  const restartCommand = program
    .command("restart")
    .description("Replace an app's live instances with fresh ones of the same release. May wait for approval (exit 3).")
    .argument("<name>", "the app");
  withGateOptions(restartCommand)
    .option("--wait", WAIT_HELP)
    .addHelpText("after", "\nExample:\n  wheelhouse restart billing-api --reason 'memory leak' --wait")
    .action((name: string, options: DeploymentOptions) => restart(context, name, options));

  const scaleCommand = program
    .command("scale")
    .description("Run an app's live release with another number of instances per host. May wait for approval (exit 3).")
    .argument("<name>", "the app")
    .requiredOption("--replicas <count>", "instances per host (1–20)");
  withGateOptions(scaleCommand)
    .option("--wait", WAIT_HELP)
    .addHelpText("after", "\nExample:\n  wheelhouse scale billing-api --replicas 3 --reason 'sale traffic' --wait")
    .action((name: string, options: ScaleOptions) => scale(context, name, options));
}
