// Words, paths and rules for certificates, said the same way on every page that shows one (issue 15).
import { type CertificateStatus, LETS_ENCRYPT_PRODUCTION, LETS_ENCRYPT_STAGING } from "@wheelhouse/shared";

export function certificatePath(domain: string): string {
  return `/certificates/${encodeURIComponent(domain)}`;
}

/** An order is under way or about to start: the status moves on its own soon. */
export function isOrdering(status: CertificateStatus): boolean {
  return status === "Pending" || status === "Renewing";
}

export const POLL_WHILE_ORDERING_MS = 2_000;

/**
 * The refetch interval of a query showing these certificates: every 2 s while one is being ordered,
 * in case a certificates:changed hint is missed (a socket reconnecting), else none.
 */
export function pollWhileOrdering(certificates: readonly { status: CertificateStatus }[] | undefined): number | false {
  return certificates?.some((certificate) => isOrdering(certificate.status)) ? POLL_WHILE_ORDERING_MS : false;
}

/**
 * HTTPS can be switched on for an app once one of its certificates is served: issued and not yet
 * past its end. Renewing and Failed keep serving the previous one while it is valid.
 */
export function hasServedCertificate(
  certificates: readonly { status: CertificateStatus; notAfter: string | null }[],
  now: number,
): boolean {
  return certificates.some(
    (certificate) =>
      (certificate.status === "Active" || certificate.status === "Renewing" || certificate.status === "Failed") &&
      certificate.notAfter !== null &&
      new Date(certificate.notAfter).getTime() > now,
  );
}

/** HTTP-01 cannot prove a wildcard: such a domain needs an uploaded certificate. */
export function isWildcard(domain: string): boolean {
  return domain.startsWith("*.");
}

// The same addresses as the portal's defaults (server/config/env.ts), for the Settings select.
export const DIRECTORY_PRESETS = [
  { value: "letsencrypt", label: "Let's Encrypt", url: LETS_ENCRYPT_PRODUCTION },
  {
    value: "letsencrypt-staging",
    label: "Let's Encrypt staging",
    url: LETS_ENCRYPT_STAGING,
  },
  { value: "custom", label: "Custom", url: null },
] as const;
export type DirectoryPreset = (typeof DIRECTORY_PRESETS)[number]["value"];

export function presetOf(url: string): DirectoryPreset {
  return DIRECTORY_PRESETS.find((preset) => preset.url === url)?.value ?? "custom";
}

/** "Let's Encrypt", "Let's Encrypt staging", or the directory's host (pebble.test:14000). */
export function directoryLabel(url: string): string {
  const preset = DIRECTORY_PRESETS.find((candidate) => candidate.url === url);
  if (preset) return preset.label;
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The attributes of a one-line distinguished name ("C=US, O=Let's Encrypt, CN=R3"). */
function attribute(dn: string, name: string): string | null {
  for (const part of dn.split(/,\s*(?=[A-Za-z.]+=)/)) {
    const [key, ...value] = part.split("=");
    if (key?.trim() === name) return value.join("=").trim();
  }
  return null;
}

/** An issuer in a table cell: "Let's Encrypt (R3)", else its CN or O, else the whole name. */
export function issuerLabel(dn: string): string {
  const organisation = attribute(dn, "O");
  const common = attribute(dn, "CN");
  if (organisation && common && organisation !== common) return `${organisation} (${common})`;
  return organisation ?? common ?? dn;
}

/** A long text cut at a word to about `max` characters, with an ellipsis; the page shows it whole. */
export function shortened(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

export const EVENT_KIND_LABELS: Record<string, string> = {
  requested: "Requested",
  "order-started": "Order started",
  "renewal-started": "Renewal started",
  issued: "Issued",
  renewed: "Renewed",
  failed: "Failed",
  interrupted: "Interrupted",
  uploaded: "Uploaded",
  expired: "Expired",
};

export function eventKindLabel(kind: string): string {
  return EVENT_KIND_LABELS[kind] ?? kind;
}

type Details = Record<string, unknown>;

function text(details: Details, key: string): string | null {
  const value = details[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** Any details an unknown kind carries, as "key: value" pairs, so nothing recorded is hidden. */
function plainDetails(details: Details): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

/**
 * What a history entry says, in words. `time` formats the ISO times the details carry (the page
 * uses the reader's locale; tests pass a fixed one).
 */
export function eventWords(event: { kind: string; details: Details }, time: (iso: string) => string): string {
  const { details } = event;
  const by = text(details, "by");
  const validity = () => {
    const notBefore = text(details, "notBefore");
    const notAfter = text(details, "notAfter");
    return notBefore && notAfter ? `valid from ${time(notBefore)} to ${time(notAfter)}` : null;
  };
  const issuedWords = (verb: string) => {
    const issuer = text(details, "issuer");
    const serial = text(details, "serial");
    return [`${verb}${issuer ? ` by ${issuerLabel(issuer)}` : ""}`, validity(), serial && `serial ${serial}`]
      .filter(Boolean)
      .join(", ");
  };
  switch (event.kind) {
    case "requested":
      return `${details.renewal === true ? "Renewal asked for" : "Certificate asked for"}${by ? ` by ${by}` : ""}`;
    case "order-started":
      return "Order placed with the ACME directory";
    case "renewal-started":
      return "Renewal order placed with the ACME directory; the current certificate keeps being served";
    case "issued":
      return issuedWords("Issued");
    case "renewed":
      return `${issuedWords("Renewed")}; nginx serves the new one`;
    case "failed": {
      const next = text(details, "nextAttemptAt");
      const problem = [text(details, "type"), text(details, "detail")?.trim()].filter(Boolean).join(": ");
      // The CA's detail often ends its own sentence (also inside a closing quote or bracket, or
      // before a trailing newline); a second full stop would read as a typo ("challenge.. Next try").
      const stop = /[.!?]["')\]]*$/.test(problem) ? "" : ".";
      return `Order failed${problem ? ` — ${problem}` : ""}${next ? `${stop} Next try ${time(next)}` : ""}`;
    }
    case "interrupted":
      return "Order interrupted by a portal shutdown (not a failure); it is tried again as soon as the portal is back";
    case "uploaded":
      return [`Uploaded${by ? ` by ${by}` : ""}`, validity()].filter(Boolean).join(", ");
    case "expired": {
      const notAfter = text(details, "notAfter");
      return `Expired${notAfter ? ` (valid until ${time(notAfter)})` : ""}; visitors get a browser warning until it is renewed`;
    }
    default:
      return plainDetails(details) || eventKindLabel(event.kind);
  }
}

/**
 * Each item with a React key made from its contents (`base`), numbered where two read the same:
 * history entries and chain certificates carry no id, and a position would shift as entries arrive.
 */
export function withKeys<T>(items: readonly T[], base: (item: T) => string): { key: string; item: T }[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const text = base(item);
    const count = seen.get(text) ?? 0;
    seen.set(text, count + 1);
    return { key: count === 0 ? text : `${text}#${count}`, item };
  });
}
