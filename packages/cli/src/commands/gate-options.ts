// What every gated command (deploy, rollback, maintenance) shares (issue 14): --reason and
// --break-glass, and what to print when the portal opened an approval request instead of running
// the action: the request on stdout (or as --json) and exit code 3 (docs/decisions/040).
import type { ApprovalPending } from "@wheelhouse/shared";
import type { Command } from "commander";
import type { Context } from "../context";
import { UsageError, WaitingForApprovalExit } from "../errors";
import { clean } from "../output/format";
import { printJson } from "../output/terminal";
import { parseReason } from "./arguments";

export interface GateOptions {
  reason?: string;
  breakGlass?: boolean;
  json?: boolean;
}

/** Adds --reason, --break-glass and --json to a gated command. */
export function withGateOptions(command: Command): Command {
  return command
    .option(
      "--reason <text>",
      "why: shown in the release history, and to reviewers when the team's policy makes it wait for approval (then required)",
    )
    .option(
      "--break-glass",
      "admins only: run it at once without waiting for approval (needs --reason); the request is recorded flagged and reviewers are told",
    )
    .option("--json", "print the result as JSON (when it waits for approval: { requestId, number, status, message })");
}

/** The gate fields the portal takes; --break-glass without --reason is a usage error (nothing sent). */
export function gateFields(options: GateOptions): { reason?: string; breakGlass?: true } {
  const reason = parseReason(options.reason);
  if (options.breakGlass && reason === undefined) {
    throw new UsageError(
      "--break-glass needs --reason TEXT: say why this cannot wait for approval (reviewers and the audit log read it).",
    );
  }
  return { ...(reason === undefined ? {} : { reason }), ...(options.breakGlass ? { breakGlass: true } : {}) };
}

/**
 * The action did not run: the portal opened approval request `pending`. Prints it and ends the
 * command with exit code 3. `wait`: --wait was given, which cannot wait for a person.
 */
export function reportWaitingForApproval(
  context: Context,
  pending: ApprovalPending,
  options: { json?: boolean; wait?: boolean },
): never {
  const { terminal } = context;
  if (options.wait) {
    terminal.err(
      `--wait does not wait for approval: nothing runs until request #${pending.number} is approved. Nothing was deployed.\n`,
    );
  }
  if (options.json) {
    printJson(terminal, pending);
  } else {
    terminal.out(
      `Request #${pending.number} waits for approval: ${clean(pending.message)}\n` +
        `It runs when approved. See it with: wheelhouse approvals show ${pending.number}\n`,
    );
  }
  throw new WaitingForApprovalExit(pending.number);
}

/** After an action ran with --break-glass: a reminder that it was recorded (stderr keeps stdout for the result). */
export function reportBreakGlass(context: Context, options: GateOptions): void {
  if (!options.breakGlass) return;
  context.terminal.err(
    "Ran with break-glass: if a policy gates it, it is recorded as a flagged approval request and its reviewers are told.\n",
  );
}
