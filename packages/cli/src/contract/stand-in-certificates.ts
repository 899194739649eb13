// The stand-in portal's certificates (issue 15), in the shapes of the shared schemas: GET
// /certificates, GET /certificates/{domain}, POST /certificates/{domain}/issue|renew. Each order
// plays a script, one step per GET after the POST (as the portal's worker moves a certificate on in
// the background): new.example.com goes Pending → Active; shop.example.com, which failed before,
// goes Pending (its old problem still recorded, as the portal keeps it) → Failed with a new one;
// billing.example.com renews Renewing → Active; slow.example.com stays Pending. Refusals: a domain
// no app serves (404), one being ordered (409), a role too low (403). POST …/upload answers the
// domain's certificate uploaded and Active (its issuer, names and dates fixed, the body recorded by
// the portal's request log), except mismatch.example.com, refused as the portal refuses a key that
// does not match (400). Used by stand-in-portal.ts.
import type { CertificateDetail } from "@wheelhouse/shared";
import { StandInProblem } from "./stand-in-approvals";

const T0 = Date.parse("2026-11-22T10:00:00.000Z");
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const MINUTE = 60_000;
const DAY = 86_400_000;

const INTERMEDIATE = "CN=Pebble Intermediate CA 6b2c1e";
const ROOT = "CN=Pebble Root CA 0f7a1b";

function chain(domain: string, serial: string, notBefore: number, notAfter: number): CertificateDetail["chain"] {
  return [
    {
      subject: `CN=${domain}`,
      issuer: INTERMEDIATE,
      serial,
      notBefore: at(notBefore),
      notAfter: at(notAfter),
      names: [domain],
    },
    {
      subject: INTERMEDIATE,
      issuer: ROOT,
      serial: "2a9f",
      notBefore: at(-365 * DAY),
      notAfter: at(365 * DAY),
      names: [],
    },
  ];
}

function certificate(domain: string, app: string, fields: Partial<CertificateDetail>): CertificateDetail {
  return {
    id: `cert_${domain}`,
    domain,
    app: { id: `app_${app}`, name: app },
    source: "acme",
    status: "Pending",
    notBefore: null,
    notAfter: null,
    issuer: null,
    renewAt: null,
    error: null,
    nextAttemptAt: null,
    failures: 0,
    updatedAt: at(-DAY),
    serial: null,
    names: [],
    chain: [],
    events: [],
    ...fields,
  };
}

/** A certificate served from the directory, valid from `notBefore` to `notAfter` (offsets from T0). */
function issued(serial: string, notBefore: number, notAfter: number, domain: string): Partial<CertificateDetail> {
  return {
    status: "Active",
    notBefore: at(notBefore),
    notAfter: at(notAfter),
    issuer: INTERMEDIATE,
    renewAt: at(notAfter - 30 * DAY),
    serial,
    names: [domain],
    chain: chain(domain, serial, notBefore, notAfter),
  };
}

/** Five scheduled renewals and the first order: more history than `certs show` prints. */
const BILLING_EVENTS: CertificateDetail["events"] = [
  ...[30, 90, 150, 210, 270].flatMap((daysAgo, index) => [
    {
      at: at(-daysAgo * DAY + MINUTE),
      kind: "renewed",
      details: { serial: `0b${index + 1}`, issuer: INTERMEDIATE, notAfter: at((90 - daysAgo) * DAY) },
    },
    { at: at(-daysAgo * DAY), kind: "renewal-started", details: {} },
  ]),
  { at: at(-330 * DAY + MINUTE), kind: "issued", details: { serial: "0a1", issuer: INTERMEDIATE } },
  { at: at(-330 * DAY), kind: "order-started", details: {} },
  { at: at(-330 * DAY), kind: "requested", details: { by: "ada@example.com" } },
];

const BILLING = certificate("billing.example.com", "billing-api", {
  ...issued("0b1", -30 * DAY, 60 * DAY, "billing.example.com"),
  updatedAt: at(-30 * DAY),
  events: BILLING_EVENTS,
});

/** A CA's refusal as RFC 8555 words it, the detail as Let's Encrypt writes it. */
export const OLD_PROBLEM = {
  type: "urn:ietf:params:acme:error:connection",
  detail: "127.0.0.1: Fetching http://shop.example.com/.well-known/acme-challenge/Q1w2: Connection refused",
};

export const NEW_PROBLEM = {
  type: "urn:ietf:params:acme:error:unauthorized",
  detail:
    "127.0.0.1: Invalid response from http://shop.example.com/.well-known/acme-challenge/x7Yq: 404 \u001b[31mNot Found\u001b[39m",
};

const SHOP = certificate("shop.example.com", "shop", {
  status: "Failed",
  error: OLD_PROBLEM,
  nextAttemptAt: at(5 * MINUTE),
  failures: 2,
  updatedAt: at(-10 * MINUTE),
  events: [
    {
      at: at(-10 * MINUTE),
      kind: "failed",
      details: { ...OLD_PROBLEM, nextAttemptAt: at(5 * MINUTE) },
    },
    { at: at(-11 * MINUTE), kind: "order-started", details: {} },
    { at: at(-11 * MINUTE), kind: "requested", details: { by: "ada@example.com" } },
  ],
});

export const CANNED_CERTIFICATES: CertificateDetail[] = [BILLING, SHOP];

/** What the list sends: the summaries (a detail without names, chain and history). */
export function certificateSummaries() {
  return CANNED_CERTIFICATES.map(
    ({ serial: _serial, names: _names, chain: _chain, events: _events, ...summary }) => summary,
  );
}

function both(steps: CertificateDetail[]): Record<"issue" | "renew", CertificateDetail[]> {
  return { issue: steps, renew: steps };
}

/** What each order answers (first) and shows on each GET after it (the rest; the last one stays). */
const SCRIPTS: Record<string, Record<"issue" | "renew", CertificateDetail[]>> = {
  "new.example.com": {
    issue: [
      certificate("new.example.com", "shop", { updatedAt: at(0), nextAttemptAt: at(0) }),
      certificate("new.example.com", "shop", { updatedAt: at(0), nextAttemptAt: at(0) }),
      certificate("new.example.com", "shop", {
        ...issued("0c7", 0, 90 * DAY, "new.example.com"),
        updatedAt: at(14_200),
      }),
    ],
    // Nothing to renew before the first issue.
    renew: [],
  },
  // The portal keeps the previous problem while the new order runs: only the status says it is new.
  "shop.example.com": both([
    { ...SHOP, status: "Pending", updatedAt: at(0), nextAttemptAt: at(0), failures: 0 },
    { ...SHOP, status: "Pending", updatedAt: at(0), nextAttemptAt: at(0), failures: 0 },
    { ...SHOP, error: NEW_PROBLEM, failures: 1, nextAttemptAt: at(10 * MINUTE), updatedAt: at(8_500) },
  ]),
  // Issuing one that exists renews it, as the portal does.
  "billing.example.com": both([
    { ...BILLING, status: "Renewing", updatedAt: at(0), nextAttemptAt: at(0) },
    { ...BILLING, status: "Renewing", updatedAt: at(0), nextAttemptAt: at(0) },
    { ...BILLING, ...issued("0b9", 0, 90 * DAY, "billing.example.com"), updatedAt: at(6_000) },
  ]),
  "slow.example.com": both([certificate("slow.example.com", "shop", { updatedAt: at(0), nextAttemptAt: at(0) })]),
};

/** The portal's sentence for a key of another certificate (certificate-upload-checks.ts). */
export const KEY_MISMATCH =
  "The key does not belong to the certificate (its public key is not the certificate's): upload the key the certificate was issued for.";

const OWN_CA = "CN=Example Corp Issuing CA 2";

/** What an upload answers: the domain's certificate from the team's own CA, Active, never renewed by ACME. */
export function uploaded(domain: string): CertificateDetail {
  const chain = [
    {
      subject: `CN=${domain}`,
      issuer: OWN_CA,
      serial: "5e0f",
      notBefore: at(-DAY),
      notAfter: at(365 * DAY),
      names: [domain],
    },
    {
      subject: OWN_CA,
      issuer: "CN=Example Corp Root CA",
      serial: "1c",
      notBefore: at(-365 * DAY),
      notAfter: at(5 * 365 * DAY),
      names: [],
    },
  ];
  return certificate(domain, "shop", {
    source: "upload",
    status: "Active",
    notBefore: at(-DAY),
    notAfter: at(365 * DAY),
    issuer: OWN_CA,
    serial: "5e0f",
    names: [domain],
    chain,
    updatedAt: at(0),
    events: [
      {
        at: at(0),
        kind: "uploaded",
        details: { by: "ada@example.com", issuer: OWN_CA, serial: "5e0f", notAfter: at(365 * DAY) },
      },
    ],
  });
}

interface Order {
  steps: CertificateDetail[];
  /** The step the next GET shows. */
  next: number;
}

/** The routes, with the orders of one stand-in portal (a POST starts its domain's script again). */
export function certificatesStandIn() {
  const orders = new Map<string, Order>();

  function read(domain: string): CertificateDetail {
    const order = orders.get(domain);
    const step = order?.steps[Math.min(order.next, order.steps.length - 1)];
    if (order && step) {
      order.next += 1;
      return step;
    }
    const canned = CANNED_CERTIFICATES.find((candidate) => candidate.domain === domain);
    if (!canned) throw new StandInProblem(404, "NOT_FOUND", `There is no certificate for ${domain} in your team.`);
    return canned;
  }

  function ask(domain: string, action: "issue" | "renew"): CertificateDetail {
    if (domain === "vault.example.com") {
      throw new StandInProblem(403, "FORBIDDEN", "Your role (viewer) cannot do this; it needs operator.");
    }
    if (domain === "busy.example.com") {
      throw new StandInProblem(
        409,
        "CONFLICT",
        `The certificate for ${domain} is being ordered right now; wait for it to finish.`,
      );
    }
    const script = SCRIPTS[domain];
    if (!script) {
      throw new StandInProblem(
        404,
        "NOT_FOUND",
        `No app of your team serves ${domain}: add the domain to an app first, then ask for its certificate.`,
      );
    }
    const steps = script[action];
    const [answer] = steps;
    if (!answer)
      throw new StandInProblem(404, "NOT_FOUND", `There is no certificate for ${domain} yet: issue one first.`);
    orders.set(domain, { steps, next: 1 });
    return answer;
  }

  function upload(domain: string, input: Record<string, unknown>): CertificateDetail {
    if (domain === "vault.example.com") {
      throw new StandInProblem(403, "FORBIDDEN", "Your role (viewer) cannot do this; it needs operator.");
    }
    if (domain === "mismatch.example.com") throw new StandInProblem(400, "BAD_REQUEST", KEY_MISMATCH);
    if (input.domain !== domain) throw new StandInProblem(400, "BAD_REQUEST", "The body's domain is not the path's.");
    return uploaded(domain);
  }

  return (method: string, path: string, input: Record<string, unknown> = {}): [number, unknown] | undefined => {
    if (method === "GET" && path === "/certificates") return [200, { certificates: certificateSummaries() }];
    const match = /^\/certificates\/([^/]+)(?:\/(issue|renew|upload))?$/.exec(path);
    if (!match) return undefined;
    const domain = decodeURIComponent(match[1] ?? "");
    const action = match[2];
    if (method === "GET" && action === undefined) return [200, { certificate: read(domain) }];
    if (method === "POST" && (action === "issue" || action === "renew")) {
      return [200, { certificate: ask(domain, action) }];
    }
    if (method === "POST" && action === "upload") return [200, { certificate: upload(domain, input) }];
    return undefined;
  };
}
