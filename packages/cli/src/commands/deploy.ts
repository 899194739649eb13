// wheelhouse deploy / rollback: start a deployment and, with --wait, follow it to the end.
import { deployInputSchema } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { parseAppName, parseArgument, parseReason, parseReleaseNumber } from "./arguments";
import { reportLive, reportStarted, waitForDeployment } from "./watch-deployment";

interface DeployOptions {
  image?: string;
  reason?: string;
  wait?: boolean;
}

interface RollbackOptions {
  to: string;
  reason?: string;
  wait?: boolean;
}

async function deploy(context: Context, rawName: string, options: DeployOptions): Promise<void> {
  const name = parseAppName(rawName);
  const image = parseArgument(deployInputSchema.shape.image, options.image, "--image");
  const reason = parseReason(options.reason);
  const client = connect(context);
  const deployment = await client.deploy(name, { image, reason });
  reportStarted(context, deployment, "Deploying", options.wait === true);
  if (options.wait) reportLive(context, await waitForDeployment(context, client, deployment.id));
}

async function rollback(context: Context, rawName: string, options: RollbackOptions): Promise<void> {
  const name = parseAppName(rawName);
  const releaseNumber = parseReleaseNumber(options.to);
  const reason = parseReason(options.reason);
  const client = connect(context);
  const deployment = await client.rollback(name, { releaseNumber, reason });
  reportStarted(context, deployment, `Rolling back to release ${releaseNumber} of`, options.wait === true);
  if (options.wait) reportLive(context, await waitForDeployment(context, client, deployment.id));
}

export function registerDeployCommands(program: Command, context: Context): void {
  program
    .command("deploy")
    .description("Release an app: its current image, or a new one with --image.")
    .argument("<name>", "the app")
    .option("--image <image>", "the image to release (default: the app's current image)")
    .option("--reason <text>", "why, shown in the release history")
    .option("--wait", "follow the deployment; exit 0 when Live, 1 when it fails")
    .addHelpText(
      "after",
      "\nExample:\n  wheelhouse deploy billing-api --image registry.example.com/billing:1.4.3 --wait",
    )
    .action((name: string, options: DeployOptions) => deploy(context, name, options));

  program
    .command("rollback")
    .description("Deploy an earlier release of an app again (see wheelhouse releases NAME).")
    .argument("<name>", "the app")
    .requiredOption("--to <release>", "the release number to go back to")
    .option("--reason <text>", "why, shown in the release history")
    .option("--wait", "follow the deployment; exit 0 when Live, 1 when it fails")
    .addHelpText("after", "\nExample:\n  wheelhouse rollback billing-api --to 41 --reason 'checkout errors' --wait")
    .action((name: string, options: RollbackOptions) => rollback(context, name, options));
}
