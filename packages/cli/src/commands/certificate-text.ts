// How `wheelhouse certs` shows certificates: the list's table, one certificate's page, and the
// sentences shared by issue, renew and --wait. ACME problems are shown verbatim (only terminal
// escape sequences are dropped): their type and detail are what a person searches for.
import type { CertificateDetail, CertificateStatus, CertificateSummary } from "@wheelhouse/shared";
import type { Context } from "../context";
import { clean, formatTimeUntil } from "../output/format";
import { renderTable } from "../output/table";
import type { Tone } from "../output/terminal";
import { formatInstant } from "./incidents";

/** The same tone per status as everywhere else: served and current is good, failed or lapsed is bad. */
export const CERTIFICATE_TONES: Record<CertificateStatus, Tone> = {
  Active: "good",
  Pending: "busy",
  Renewing: "busy",
  Failed: "bad",
  Expired: "bad",
};

/** History entries `certs show` prints; --json has all the portal sends. */
export const HISTORY_SHOWN = 10;

/** "in 89 d (2027-02-20)", "3 d ago (2026-11-19)": relative first, the date to pin it down. */
export function formatExpiry(iso: string, now: Date): string {
  return `${formatTimeUntil(iso, now)} (${iso.slice(0, 10)})`;
}

/** "2026-11-22 10:05:00 UTC (in 5 min)". */
export function formatWhen(iso: string, now: Date): string {
  return `${formatInstant(iso)} (${formatTimeUntil(iso, now)})`;
}

/** The CN of a distinguished name ("C=US, O=Let's Encrypt, CN=R11" → "R11"), else the whole name. */
export function commonName(distinguishedName: string): string {
  const match = /(?:^|,\s*)CN=([^,]+)/.exec(distinguishedName);
  return clean(match?.[1]?.trim() ?? distinguishedName);
}

/** "urn:ietf:params:acme:error:unauthorized: Invalid response …", as the CA wrote it. */
export function describeProblem(problem: { type: string; detail: string }): string {
  return `${clean(problem.type)}: ${clean(problem.detail)}`;
}

/** A full stop, unless the text already ends a sentence. */
function withStop(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** When the portal tries again, as a sentence; a failed certificate without one waits for a person. */
export function nextAttemptSentence(certificate: CertificateSummary, now: Date): string {
  if (certificate.nextAttemptAt === null) {
    return `No retry is scheduled: renew it with wheelhouse certs renew ${certificate.domain}.`;
  }
  return `Next try at ${formatWhen(certificate.nextAttemptAt, now)}.`;
}

/** The message of a failed order: the ACME problem verbatim, then when it is tried again. */
export function failureMessage(certificate: CertificateSummary, now: Date): string {
  const problem = certificate.error ? describeProblem(certificate.error) : "the portal recorded no ACME problem";
  return `The certificate for ${certificate.domain} failed: ${withStop(problem)} ${nextAttemptSentence(certificate, now)}`;
}

export function certificatesTable(certificates: readonly CertificateSummary[], context: Context): string {
  const now = context.now();
  const { paint } = context.terminal;
  const table = renderTable(
    ["DOMAIN", "APP", "STATUS", "EXPIRES", "ISSUER"],
    certificates.map((certificate) => [
      clean(certificate.domain),
      clean(certificate.app.name),
      paint(certificate.status, CERTIFICATE_TONES[certificate.status]),
      certificate.notAfter ? formatExpiry(certificate.notAfter, now) : null,
      certificate.issuer ? commonName(certificate.issuer) : null,
    ]),
  );
  // The problem goes on a line of its own under its row: a column would push every row past 80.
  const [header = "", ...rows] = table.trimEnd().split("\n");
  const lines = [header];
  certificates.forEach((certificate, index) => {
    lines.push(rows[index] ?? "");
    const shown = certificate.status === "Failed" || certificate.status === "Expired";
    if (shown && certificate.error) {
      const next = certificate.nextAttemptAt ? ` (next try ${formatTimeUntil(certificate.nextAttemptAt, now)})` : "";
      lines.push(`  ${paint(`↳ ${clean(certificate.error.detail)}${next}`, "muted")}`);
    }
  });
  return `${lines.join("\n")}\n`;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? clean(value) : null;
}

/** One history entry after its kind, from the details the portal recorded with it. */
export function describeEvent(kind: string, details: Record<string, unknown>): string {
  switch (kind) {
    case "requested":
      return [details.renewal === true ? "renewal asked" : "asked", text(details.by) && `by ${text(details.by)}`]
        .filter(Boolean)
        .join(" ");
    case "failed": {
      const type = text(details.type);
      const detail = text(details.detail);
      const next = text(details.nextAttemptAt);
      const problem = type && detail !== null ? `${type}: ${detail}` : (detail ?? type ?? "");
      return next ? `${problem} (next try ${formatInstant(next)})` : problem;
    }
    case "issued":
    case "renewed":
    case "uploaded": {
      const issuer = text(details.issuer);
      const until = text(details.notAfter);
      return [
        kind === "uploaded" && text(details.by) && `by ${text(details.by)}`,
        text(details.serial) && `serial ${text(details.serial)}`,
        issuer && `from ${commonName(issuer)}`,
        until && `valid until ${formatInstant(until)}`,
      ]
        .filter(Boolean)
        .join(", ");
    }
    case "expired":
      return text(details.notAfter) ? `its notAfter ${formatInstant(String(details.notAfter))} passed` : "";
    default:
      return Object.entries(details)
        .filter(([, value]) => typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        .map(([key, value]) => `${key} ${clean(String(value))}`)
        .join(", ");
  }
}

// The longest kind ("renewal-started") and two spaces.
const KIND_WIDTH = 17;

export function renderCertificate(certificate: CertificateDetail, context: Context): string {
  const { paint } = context.terminal;
  const now = context.now();
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padEnd(13)}${value}`);

  lines.push(`${clean(certificate.domain)}  ${paint(certificate.status, CERTIFICATE_TONES[certificate.status])}`);
  field("App", clean(certificate.app.name));
  field("Source", certificate.source === "acme" ? "ACME directory" : "uploaded");
  if (certificate.notBefore && certificate.notAfter) {
    field(
      "Valid",
      `${formatInstant(certificate.notBefore)} → ${formatInstant(certificate.notAfter)} (expires ${formatTimeUntil(certificate.notAfter, now)})`,
    );
  } else {
    field("Valid", "nothing issued yet");
  }
  field("Issuer", certificate.issuer ? clean(certificate.issuer) : "-");
  if (certificate.serial) field("Serial", clean(certificate.serial));
  field("Names", certificate.names.length > 0 ? certificate.names.map(clean).join(", ") : "-");
  if (certificate.renewAt && certificate.source === "acme") field("Renews", formatWhen(certificate.renewAt, now));
  if (certificate.error) {
    field("Last error", clean(certificate.error.type));
    lines.push(`${" ".repeat(13)}${clean(certificate.error.detail)}`);
  }
  if (certificate.nextAttemptAt) {
    const failures =
      certificate.failures > 0
        ? `; ${certificate.failures === 1 ? "1 failure" : `${certificate.failures} failures`} in a row`
        : "";
    field("Next try", `${formatWhen(certificate.nextAttemptAt, now)}${failures}`);
  }

  if (certificate.chain.length > 0) {
    lines.push("", "Chain (leaf first, subject ← issuer):");
    for (const entry of certificate.chain) lines.push(`  ${clean(entry.subject)} ← ${clean(entry.issuer)}`);
  }

  if (certificate.events.length > 0) {
    lines.push("", "History (newest first):");
    for (const event of certificate.events.slice(0, HISTORY_SHOWN)) {
      const what = describeEvent(event.kind, event.details);
      lines.push(`  ${formatInstant(event.at)}  ${clean(event.kind).padEnd(KIND_WIDTH)}${what}`.trimEnd());
    }
    const older = certificate.events.length - HISTORY_SHOWN;
    if (older > 0) lines.push(`  … ${older} older (--json has them)`);
  }
  return `${lines.join("\n")}\n`;
}
