// wheelhouse deploy / rollback: start a deployment and, with --wait, follow it to the end. Both are
// gated (issue 14): when the team's policy makes one wait for approval, the portal opens a request
// instead, and the command prints it and exits 3 (gate-options.ts).
import { type Deployment, deployInputSchema } from "@wheelhouse/shared";
import type { Command } from "commander";
import type { ApiClient } from "../api/api-client";
import { type Context, connect } from "../context";
import { ApiError } from "../errors";
import { printJson } from "../output/terminal";
import { parseAppName, parseArgument, parseReleaseNumber } from "./arguments";
import {
  type GateOptions,
  gateFields,
  reportBreakGlass,
  reportWaitingForApproval,
  withGateOptions,
} from "./gate-options";
import { reportLive, reportStarted, waitForDeployment } from "./watch-deployment";

/** What every gated command that starts a deployment takes (deploy, rollback, restart, scale). */
export interface DeploymentOptions extends GateOptions {
  wait?: boolean;
}

interface DeployOptions extends DeploymentOptions {
  image?: string;
}

interface RollbackOptions extends DeploymentOptions {
  to: string;
}

type GatedAnswer = Awaited<ReturnType<ApiClient["deploy"]>>;

/** The deployment that runs, or (never returning) the approval request printed with exit code 3. */
export function deploymentOf(context: Context, answer: GatedAnswer, options: DeploymentOptions): Deployment {
  if (answer.approval) return reportWaitingForApproval(context, answer.approval, options);
  if (answer.deployment) return answer.deployment;
  throw new ApiError(
    "The portal answered with neither a deployment nor an approval request; the CLI and the portal may be different versions.",
    null,
    null,
  );
}

/** What follows once it runs: the start (or its JSON), then with --wait the end. */
export async function follow(
  context: Context,
  client: ApiClient,
  deployment: Deployment,
  verb: string,
  options: DeploymentOptions,
): Promise<void> {
  reportBreakGlass(context, options);
  const wait = options.wait === true;
  if (!options.json || wait) reportStarted(context, deployment, verb, wait || options.json === true);
  if (!wait) {
    if (options.json) printJson(context.terminal, deployment);
    return;
  }
  const finished = await waitForDeployment(context, client, deployment.id);
  if (options.json) printJson(context.terminal, finished);
  else reportLive(context, finished);
}

async function deploy(context: Context, rawName: string, options: DeployOptions): Promise<void> {
  const name = parseAppName(rawName);
  const image = parseArgument(deployInputSchema.shape.image, options.image, "--image");
  const gate = gateFields(options);
  const client = connect(context);
  const deployment = deploymentOf(context, await client.deploy(name, { image, ...gate }), options);
  await follow(context, client, deployment, "Deploying", options);
}

async function rollback(context: Context, rawName: string, options: RollbackOptions): Promise<void> {
  const name = parseAppName(rawName);
  const releaseNumber = parseReleaseNumber(options.to);
  const gate = gateFields(options);
  const client = connect(context);
  const deployment = deploymentOf(context, await client.rollback(name, { releaseNumber, ...gate }), options);
  await follow(context, client, deployment, `Rolling back to release ${releaseNumber} of`, options);
}

export const WAIT_HELP =
  "follow the deployment; exit 0 when Live, 1 when it fails (a request waiting for approval is not waited for: exit 3)";

export function registerDeployCommands(program: Command, context: Context): void {
  const deployCommand = program
    .command("deploy")
    .description("Release an app: its current image, or a new one with --image. May wait for approval (exit 3).")
    .argument("<name>", "the app")
    .option("--image <image>", "the image to release (default: the app's current image)");
  withGateOptions(deployCommand)
    .option("--wait", WAIT_HELP)
    .addHelpText(
      "after",
      `
Examples:
  wheelhouse deploy billing-api --image registry.example.com/billing:1.4.3 --wait
  wheelhouse deploy billing-api --reason 'hotfix for checkout' --break-glass    # admins, skips approval`,
    )
    .action((name: string, options: DeployOptions) => deploy(context, name, options));

  const rollbackCommand = program
    .command("rollback")
    .description(
      "Deploy an earlier release of an app again (see wheelhouse releases NAME). In production it waits for approval by default: exit 3 and the request's number.",
    )
    .argument("<name>", "the app")
    .requiredOption("--to <release>", "the release number to go back to");
  withGateOptions(rollbackCommand)
    .option("--wait", WAIT_HELP)
    .addHelpText(
      "after",
      `
Examples:
  wheelhouse rollback billing-api --to 41 --reason 'checkout errors' --wait
  wheelhouse rollback shop --to 3 --reason 'checkout errors' --json      # exit 3: { requestId, number, status, message }
  wheelhouse rollback shop --to 3 --reason 'site down, no approver awake' --break-glass   # admins`,
    )
    .action((name: string, options: RollbackOptions) => rollback(context, name, options));
}
