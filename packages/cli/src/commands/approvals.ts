// wheelhouse approvals list / show / cancel, and wheelhouse approve / deny (issue 14). The portal
// decides who may review (no self-review, roles, one review each, expiry); a refusal is its 403 or
// 409 sentence on stderr and exit code 1. --json prints what the portal answered.
import {
  APPROVAL_LIST_STATUSES,
  APPROVAL_VIEWS,
  type ApprovalRequestView,
  appNameSchema,
  approvalRefSchema,
  approveInputSchema,
  denyInputSchema,
} from "@wheelhouse/shared";
import type { Command } from "commander";
import { z } from "zod";
import { type Context, connect } from "../context";
import { OperationFailedError } from "../errors";
import { clean } from "../output/format";
import { printJson } from "../output/terminal";
import { approvalsTable, describeApproved, renderApproval } from "./approval-text";
import { parseArgument } from "./arguments";

interface JsonOption {
  json?: boolean;
}

interface ListOptions extends JsonOption {
  view: string;
  status: string;
  app?: string;
}

/** The most the portal sends in one page; older ones are left out with a note. */
const LIST_LIMIT = 200;

const viewOption = z.enum(APPROVAL_VIEWS, { message: `--view is one of: ${APPROVAL_VIEWS.join(", ")}.` });
const statusOption = z.enum(APPROVAL_LIST_STATUSES, {
  message: `--status is one of: ${APPROVAL_LIST_STATUSES.join(", ")}.`,
});

/** "12", "#12" or the request's id; the portal is sent "12" or the id. */
export function parseRequestRef(text: string): string {
  const trimmed = text.trim().replace(/^#(?=\d+$)/, "");
  return parseArgument(approvalRefSchema.shape.id, trimmed, `ID "${text}"`);
}

async function listCommand(context: Context, options: ListOptions): Promise<void> {
  const view = parseArgument(viewOption, options.view, "--view");
  const status = parseArgument(statusOption, options.status, "--status");
  const app = options.app === undefined ? undefined : parseArgument(appNameSchema, options.app, "--app");
  const query = { view, status, ...(app === undefined ? {} : { app }), limit: String(LIST_LIMIT) };
  const page = await connect(context).listApprovals(query);
  if (options.json) return printJson(context.terminal, page.requests);
  if (page.requests.length === 0) {
    const hint = status === "all" ? "" : " See every request with: wheelhouse approvals list --status all";
    context.terminal.out(
      `No ${status === "all" ? "" : `${status} `}approval requests in this view (${view}).${hint}\n`,
    );
    return;
  }
  context.terminal.out(approvalsTable(page.requests, context));
  if (page.nextCursor !== null) {
    context.terminal.err(`Showing the newest ${LIST_LIMIT}; narrow it with --status, --view or --app.\n`);
  }
}

async function showCommand(context: Context, reference: string, options: JsonOption): Promise<void> {
  const request = await connect(context).getApproval(parseRequestRef(reference));
  if (options.json) return printJson(context.terminal, request);
  context.terminal.out(renderApproval(request, context));
}

async function approveCommand(
  context: Context,
  reference: string,
  options: JsonOption & { comment?: string },
): Promise<void> {
  const ref = parseRequestRef(reference);
  const comment = parseArgument(approveInputSchema.shape.comment, options.comment, "--comment") || undefined;
  const request = await connect(context).approve(ref, comment);
  if (options.json) printJson(context.terminal, request);
  else context.terminal.out(describeApproved(request));
  // The approval counted, but the action it released did not run (its target changed, the requester
  // may no longer take it…): for a script, the thing it wanted did not happen.
  if (request.status === "failed") {
    throw new OperationFailedError(
      `Request #${request.number} was approved but could not execute: ${clean(request.outcome ?? "the portal gave no reason")}`,
    );
  }
}

function reviewed(context: Context, request: ApprovalRequestView, json: boolean | undefined, verb: string): void {
  if (json) {
    printJson(context.terminal, request);
    return;
  }
  context.terminal.out(
    `${verb} request #${request.number} (${clean(request.summary)}: ${clean(request.appName)} in ${clean(request.environment)}); it is ${request.status} and will not run.\n`,
  );
}

async function denyCommand(context: Context, reference: string, options: JsonOption & { comment?: string }) {
  const ref = parseRequestRef(reference);
  // Checked before anything is sent: a denial without a reason is refused with the portal's sentence.
  const comment = parseArgument(denyInputSchema.shape.comment, options.comment ?? "", "--comment");
  reviewed(context, await connect(context).deny(ref, comment), options.json, "Denied");
}

async function cancelCommand(context: Context, reference: string, options: JsonOption) {
  reviewed(context, await connect(context).cancelApproval(parseRequestRef(reference)), options.json, "Cancelled");
}

const ID_HELP = "the request's number (12 or #12) or its id";

export function registerApprovalsCommands(program: Command, context: Context): void {
  const approvals = program
    .command("approvals")
    .description(
      "Requests waiting for a second person (rollbacks in production and whatever the team's policies gate).",
    );

  approvals
    .command("list")
    .description(
      "List approval requests, newest first: number, status, app, environment, summary, requester, approvals, expiry.",
    )
    .option("--view <view>", "waiting (you may review them now), mine (you asked) or all", "all")
    .option("--status <status>", `which requests: ${APPROVAL_LIST_STATUSES.join(", ")}`, "open")
    .option("--app <name>", "only this app's requests")
    .option("--json", "print the requests as a JSON array (id, number, status, appName, summary, reviews, you, …)")
    .addHelpText(
      "after",
      `
Examples:
  wheelhouse approvals list --view waiting
  wheelhouse approvals list --status all --app shop --json | jq '.[] | {number, status}'`,
    )
    .action((options: ListOptions) => listCommand(context, options));

  approvals
    .command("show")
    .description("Show one request: what it runs, why, its status, the reviews, and whether you may review it.")
    .argument("<id>", ID_HELP)
    .option("--json", "print the request as a JSON object, reviews included")
    .action((reference: string, options: JsonOption) => showCommand(context, reference, options));

  approvals
    .command("cancel")
    .description("Cancel your own request while it waits.")
    .argument("<id>", ID_HELP)
    .option("--json", "print the cancelled request as a JSON object")
    .action((reference: string, options: JsonOption) => cancelCommand(context, reference, options));

  program
    .command("approve")
    .description(
      "Approve a request (approvers and admins; not your own). The last approval needed runs it at once, as its requester.",
    )
    .argument("<id>", ID_HELP)
    .option("--comment <text>", "what you checked (optional)")
    .option("--json", "print the request after your review as a JSON object")
    .addHelpText(
      "after",
      `
Exit codes: 0 approved (it executed, or waits for more approvals: the output says which); 1 refused
(your own request, role too low, already reviewed, expired or ended: the portal's reason on stderr),
or approved but the action could not execute.

Example:
  wheelhouse approve 4 --comment 'release 3 is the last good one'`,
    )
    .action((reference: string, options: JsonOption & { comment?: string }) =>
      approveCommand(context, reference, options),
    );

  program
    .command("deny")
    .description(
      "Deny a request (approvers and admins); it ends the request. --comment is required: the requester reads it.",
    )
    .argument("<id>", ID_HELP)
    .option("--comment <text>", "why (required)")
    .option("--json", "print the denied request as a JSON object")
    .addHelpText("after", "\nExample:\n  wheelhouse deny 4 --comment 'roll forward instead: the fix is in review'")
    .action((reference: string, options: JsonOption & { comment?: string }) =>
      denyCommand(context, reference, options),
    );
}
