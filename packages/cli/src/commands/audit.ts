// wheelhouse audit export: the team's audit log, newest first, as CSV or JSON lines on stdout
// (`wheelhouse audit export --format jsonl --action 'apps.*' > audit.jsonl`), streamed from
// GET /api/v1/audit/export with the Audit page's filters. The filters are checked here with the
// portal's own schema, so a typo is a usage error and nothing is sent.
import { auditExportInputSchema } from "@wheelhouse/shared";
import type { Command } from "commander";
import type { Connection } from "../api/request";
import { type Context, connect } from "../context";
import { ApiError, NotLoggedInError, UnreachableError, UsageError } from "../errors";

interface ExportOptions {
  format: string;
  actor?: string;
  action?: string;
  target?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export function registerAuditCommands(program: Command, context: Context): void {
  const audit = program.command("audit").description("the team's audit log");
  audit
    .command("export")
    .description("write the audit log, newest first, to stdout as CSV or JSON lines")
    .option("--format <format>", "csv or jsonl", "csv")
    .option("--actor <email>", "only what this person did (their exact email)")
    .option("--action <action>", "only this action (apps.rollback), or all of a resource's (apps.*)")
    .option("--target <id>", "only events about this target (an app's, user's or request's id)")
    .option("--outcome <outcome>", "success, denied or failure")
    .option("--from <time>", "from this time on, ISO 8601 (2026-12-01T08:00:00Z)")
    .option("--to <time>", "before this time, ISO 8601")
    .action(async (options: ExportOptions) => {
      const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
      const parsed = auditExportInputSchema.safeParse(given);
      if (!parsed.success) {
        throw new UsageError(
          parsed.error.issues.map((issue) => `--${issue.path.join(".") || "format"}: ${issue.message}`).join(" "),
        );
      }
      const query = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
      await downloadExport(connect(context).connection, query, (bytes) => context.terminal.outBytes(bytes));
    });
}

/** Streams the export to `write` as it arrives; a refusal becomes the CLI error a script can read. */
export async function downloadExport(
  connection: Connection,
  query: Record<string, string>,
  write: (bytes: Uint8Array) => void,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${connection.url}/api/v1/audit/export?${new URLSearchParams(query)}`, {
      headers: connection.token ? { authorization: `Bearer ${connection.token}` } : {},
      // Following a redirect could replay the key somewhere else.
      redirect: "manual",
    });
  } catch (error) {
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new UnreachableError(
      `Could not reach the portal at ${connection.url} (${reason}); check the address (WHEELHOUSE_URL or wheelhouse login) and that the portal is running.`,
    );
  }
  if (response.status !== 200 || !response.body) {
    const message = await refusal(response);
    if (response.status === 401) {
      throw new NotLoggedInError(
        `The portal refused the API key from ${connection.tokenSource ?? "the command line"}: ${message} Log in again with: wheelhouse login.`,
      );
    }
    throw new ApiError(message, response.status, null);
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    write(value);
  }
}

/** The portal's sentence: plain routes answer `{ error: { message } }`, REST `{ message }`. */
async function refusal(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } };
    const message = body.error?.message ?? body.message;
    if (typeof message === "string" && message) return message;
  } catch {
    // Not JSON: not a Wheelhouse portal's answer; say what came back below.
  }
  return `The portal answered GET /api/v1/audit/export with ${response.status} ${response.statusText}.`.replace(
    " .",
    ".",
  );
}
