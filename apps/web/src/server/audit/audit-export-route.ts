// GET /api/v1/audit/export?format=csv|jsonl&actor=&action=&target=&outcome=&from=&to=: the team's
// audit log as a download, streamed. A plain route ahead of the REST adapter because the answer is
// a file, not JSON, and may be a million rows: it is read by keyset in pages of 1,000 and each
// page is written as it is read, waiting for the socket to drain, so memory stays flat whatever
// the size; a client that goes away stops the reading. People only (session cookie or API key,
// resolved as every procedure resolves them); `audit.export`, refusals audited by authorize().
import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type AuditExportFormat, type AuditFilter, auditExportInputSchema } from "@wheelhouse/shared";
import { authorize } from "../access/authorize";
import { AppError } from "../errors/app-error";
import { clientAddress } from "../http/client-address";
import { refuse } from "../http/plain-route";
import type { PortalServices } from "../services";
import { resolveRequestUser } from "../trpc/context";
import { csvHeader, csvRow, EXPORT_CONTENT_TYPES, exportFileName, jsonLine } from "./audit-export-format";
import { recordAudit } from "./audit-log";
import { planAuditSearch, readAuditPage } from "./audit-search";

export const AUDIT_EXPORT_PATH = "/api/v1/audit/export";

/** Rows read per query: big enough to amortise a query, small enough to stream. */
const EXPORT_PAGE_SIZE = 1_000;

/** The query string as the export's input: each parameter once, empty ones left out (a cleared filter). */
function queryInput(url: URL): Record<string, string> | string {
  const input: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name in input) return `Give ${name} once.`;
    if (value !== "") input[name] = value;
  }
  return input;
}

export async function handleAuditExport(services: PortalServices, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "GET") return refuse(res, 405, "The audit export is downloaded with GET.", { allow: "GET" });
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  let user: Awaited<ReturnType<typeof authorize>>;
  try {
    user = await authorize(services.db, await resolveRequestUser(services, req), "audit.export", ip);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return refuse(res, error.code === "UNAUTHENTICATED" ? 401 : 403, error.message);
  }
  const raw = queryInput(new URL(req.url ?? "/", "http://portal"));
  const parsed = typeof raw === "string" ? null : auditExportInputSchema.safeParse(raw);
  if (!parsed?.success) {
    const message =
      typeof raw === "string"
        ? raw
        : (parsed?.error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`).join(" ") ?? "");
    return refuse(res, 400, `This export cannot be made. ${message}`);
  }
  const { format, ...filter } = parsed.data;
  // Audited before reading: who took a copy of the log, and of which part, whether or not it finishes.
  await recordAudit(services.db, {
    actor: user,
    teamId: user.team.id,
    action: "audit.export",
    outcome: "success",
    ip,
    details: { format, filters: filter },
  });
  await streamExport(services, res, user.team.id, format, filter);
}

async function streamExport(
  services: PortalServices,
  res: ServerResponse,
  teamId: string,
  format: AuditExportFormat,
  filter: AuditFilter,
): Promise<void> {
  // Set when the connection closes before the export ended (the client cancelled the download).
  let gone = false;
  res.on("close", () => {
    gone = !res.writableFinished;
  });
  const plan = await planAuditSearch(services.db, teamId, filter);
  res.writeHead(200, {
    "content-type": EXPORT_CONTENT_TYPES[format],
    "content-disposition": `attachment; filename="${exportFileName(format)}"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  const write = async (text: string) => {
    if (gone || res.write(text) || gone) return;
    // Back-pressure: wait until the client has taken what is buffered, or has gone.
    const drained = new AbortController();
    await Promise.race([
      once(res, "drain", { signal: drained.signal }),
      once(res, "close", { signal: drained.signal }),
    ]).finally(() => drained.abort());
  };
  if (format === "csv") await write(csvHeader());
  let cursor: number | undefined;
  let rows = 0;
  while (!gone) {
    const page = await readAuditPage(services.db, plan, cursor, EXPORT_PAGE_SIZE);
    if (gone) break;
    await write(page.events.map(format === "csv" ? csvRow : jsonLine).join(""));
    rows += page.events.length;
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  if (gone) {
    services.logger.info({ teamId, rows }, "audit export stopped: the client went away");
    return;
  }
  res.end();
}
