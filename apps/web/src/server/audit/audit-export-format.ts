// How exported audit events are written: CSV (RFC 4180) or JSON lines, one event at a time so the
// export streams. CSV cells are guarded against formula injection: a spreadsheet runs a cell that
// starts with = + - @ (or a tab or carriage return, which some read past) as a formula, so such a
// cell gets a leading apostrophe (OWASP "CSV injection"); the value stays readable.
import { AUDIT_CSV_COLUMNS, type AuditEventView, type AuditExportFormat } from "@wheelhouse/shared";

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(",")}\r\n`;
}

export function csvRow(event: AuditEventView): string {
  const cells = AUDIT_CSV_COLUMNS.map((column) =>
    csvCell(column === "details" ? JSON.stringify(event.details) : event[column]),
  );
  return `${cells.join(",")}\r\n`;
}

export function jsonLine(event: AuditEventView): string {
  return `${JSON.stringify(event)}\n`;
}

export const EXPORT_CONTENT_TYPES: Record<AuditExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/jsonl; charset=utf-8",
};

/** `wheelhouse-audit-2026-12-01.csv`: the day it was taken, in UTC. */
export function exportFileName(format: AuditExportFormat, now = new Date()): string {
  return `wheelhouse-audit-${now.toISOString().slice(0, 10)}.${format}`;
}
