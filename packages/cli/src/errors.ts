// The CLI's failures, each carrying the exit code scripts rely on (README.md "Exit codes"). Code
// anywhere may throw one; only program.ts turns it into a line on stderr and an exit code.

export const EXIT = {
  ok: 0,
  /** The operation failed: a deployment failed, or the portal said no (4xx other than 401, 5xx). */
  failed: 1,
  /** Bad flags or values; nothing was sent. */
  usage: 2,
  /**
   * It did not run: a person must act first. Not logged in, or the portal refused the key (401);
   * nothing is on stdout then, only a sentence on stderr.
   */
  notLoggedIn: 3,
  /**
   * The same 3 (docs/decisions/040): a gated command opened an approval request instead of running;
   * stdout (or --json) carries the request's `requestId`. Named apart so the code reads right.
   */
  needsApproval: 3,
  /** The portal could not be reached (connection refused, DNS, timeout). */
  unreachable: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

export class NotLoggedInError extends CliError {
  constructor(message: string) {
    super(message, EXIT.notLoggedIn);
  }
}

export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unreachable);
  }
}

/** The portal answered with an error status (other than 401) or with something this CLI cannot read. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
  ) {
    super(message, EXIT.failed);
  }
}

/** The operation ran and did not succeed, e.g. a deployment ended Failed. */
export class OperationFailedError extends CliError {
  constructor(message: string) {
    super(message, EXIT.failed);
  }
}

/**
 * A gated command opened an approval request instead of running. The command has already printed
 * the request on stdout (or as --json), so program.ts only turns this into exit code 3.
 */
export class WaitingForApprovalExit extends Error {
  readonly exitCode = EXIT.needsApproval;
  constructor(readonly requestNumber: number) {
    super(`request #${requestNumber} waits for approval`);
    this.name = "WaitingForApprovalExit";
  }
}

/**
 * `wheelhouse exec`: the command ran and exited with this code, which becomes the CLI's own (the
 * command's exit code wins over the table above once it ran).
 */
export class CommandExitError extends Error {
  constructor(readonly code: number) {
    super(`the command exited with code ${code}`);
    this.name = "CommandExitError";
  }
}
