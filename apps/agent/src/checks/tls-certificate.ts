// tls.certificate: the certificate a server presents for a name (seed sections "TLS certificate
// errors", "certificate stuck pending"): its dates and days left, issuer, the names it covers, and
// whether its chain verifies against the system's roots (or a CA bundle the step names). Every
// problem found is named, most urgent first, so "expired" is not hidden behind "untrusted".

import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { checkServerIdentity, connect, type DetailedPeerCertificate } from "node:tls";
import type { CheckParams } from "@wheelhouse/shared";
import type { CheckContext, CheckDraft } from "./check-result";

type Params = CheckParams<"tls.certificate">;

/** A TLS handshake takes milliseconds; a server that has not finished in this long is the finding. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
const DAY_MS = 86_400_000;

export interface PeerFacts {
  subject: string;
  issuer: string;
  names: string[];
  notBefore: Date;
  notAfter: Date;
  /** Null when the chain verifies. */
  chainError: string | null;
  /** Null when the certificate covers the name. */
  nameError: string | null;
  chainLength: number;
}

function nameOf(part: Record<string, string | string[]> | undefined): string {
  const value = part?.CN ?? part?.O;
  return Array.isArray(value) ? (value[0] ?? "?") : (value ?? "?");
}

/** The names a certificate covers: its DNS and IP alternative names, else its common name. */
export function certificateNames(cert: Pick<DetailedPeerCertificate, "subject" | "subjectaltname">): string[] {
  const alt = (cert.subjectaltname ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith("DNS:") || entry.startsWith("IP Address:"))
    .map((entry) => entry.replace(/^DNS:|^IP Address:/, ""));
  return alt.length > 0 ? alt : [nameOf(cert.subject as unknown as Record<string, string>)];
}

const CHAIN_WORDS: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "chain incomplete: the server does not send the intermediate certificate, or its issuer is not trusted here",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "chain incomplete: the server does not send the intermediate certificate",
  UNABLE_TO_GET_ISSUER_CERT: "chain incomplete: an issuer of the chain is missing",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed: browsers do not trust it (give caFile to trust it here)",
  SELF_SIGNED_CERT_IN_CHAIN: "the chain ends in a self-signed root that is not trusted here",
  CERT_UNTRUSTED: "the chain is not trusted here",
};

const SAID_ABOVE = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "ERR_TLS_CERT_ALTNAME_INVALID"]);

/** Every problem with the certificate, most urgent first; empty when it is good. */
export function certificateProblems(facts: PeerFacts, serverName: string, minDaysLeft: number, now: Date): string[] {
  const problems: string[] = [];
  const notAfter = facts.notAfter.toISOString();
  const daysLeft = Math.floor((facts.notAfter.getTime() - now.getTime()) / DAY_MS);
  if (facts.notAfter.getTime() <= now.getTime()) {
    const ago = Math.floor((now.getTime() - facts.notAfter.getTime()) / DAY_MS);
    const when = ago === 0 ? "less than a day ago" : `${ago} day${ago === 1 ? "" : "s"} ago`;
    problems.push(`expired ${when} (not after ${notAfter})`);
  } else if (facts.notBefore.getTime() > now.getTime()) {
    problems.push(`not valid yet (not before ${facts.notBefore.toISOString()}): check the host's clock`);
  } else if (daysLeft < minDaysLeft) {
    problems.push(`valid for only ${daysLeft} days (not after ${notAfter}): renew it`);
  }
  if (facts.nameError !== null) problems.push(`issued for ${facts.names.join(", ")}, not ${serverName}`);
  // Expiry and a wrong name also fail verification for that reason alone: each is said once, above.
  if (facts.chainError !== null && !SAID_ABOVE.has(facts.chainError))
    problems.push(CHAIN_WORDS[facts.chainError] ?? `the chain does not verify: ${facts.chainError}`);
  return problems;
}

/** The handshake, with verification left to us: a bad certificate is the answer, not a failure to connect. */
function handshake(params: Params, ca: Buffer | undefined): Promise<PeerFacts> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: params.host,
      port: params.port,
      // SNI carries names, never addresses.
      ...(isIP(params.serverName) === 0 ? { servername: params.serverName } : {}),
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
    });
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () =>
      socket.destroy(new Error(`${params.host}:${params.port} did not finish a TLS handshake within 10 s`)),
    );
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") reject(new Error(`nothing listens on ${params.host}:${params.port}`));
      else reject(error);
    });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate(true);
      socket.end();
      if (!cert || Object.keys(cert).length === 0) {
        reject(new Error(`${params.host}:${params.port} presented no certificate`));
        return;
      }
      let chainLength = 1;
      for (let link = cert; link.issuerCertificate && link.issuerCertificate !== link; link = link.issuerCertificate)
        chainLength += 1;
      const identity = checkServerIdentity(params.serverName, cert);
      const chainError = socket.authorized ? null : String(socket.authorizationError ?? "unknown");
      resolve({
        subject: nameOf(cert.subject as unknown as Record<string, string>),
        issuer: nameOf(cert.issuer as unknown as Record<string, string>),
        names: certificateNames(cert),
        notBefore: new Date(cert.valid_from),
        notAfter: new Date(cert.valid_to),
        chainError,
        nameError: identity ? identity.message : null,
        chainLength,
      });
    });
  });
}

export async function tlsCertificate(_context: CheckContext, params: Params): Promise<CheckDraft> {
  const ca = params.caFile ? await readFile(params.caFile) : undefined;
  const peer = await handshake(params, ca);
  const now = new Date();
  const daysLeft = Math.floor((peer.notAfter.getTime() - now.getTime()) / DAY_MS);
  const problems = certificateProblems(peer, params.serverName, params.minDaysLeft, now);
  const facts = {
    subject: peer.subject,
    issuer: peer.issuer,
    names: peer.names,
    notBefore: peer.notBefore.toISOString(),
    notAfter: peer.notAfter.toISOString(),
    daysLeft,
    chainError: peer.chainError,
    nameError: peer.nameError,
    chainLength: peer.chainLength,
    verifiedAgainst: params.caFile ?? "system roots",
  };
  const output = Object.entries(facts)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join("\n");
  if (problems.length > 0)
    return { outcome: "fail", finding: `${params.serverName}: ${problems.join("; ")}`, output, facts };
  return {
    outcome: "pass",
    finding: `${params.serverName}: valid for ${daysLeft} days (not after ${facts.notAfter}), issued by ${peer.issuer}`,
    output,
    facts,
  };
}
