// The checks of an uploaded certificate (issue 15): the PEM texts parse, the key is a plain private
// key that belongs to the certificate, the names cover the domain, the dates hold now, and a path of
// verified signatures leads from the leaf through the given intermediates to a root the user gave
// or the system trusts. Pure: the clock and the system's roots are passed in, so tests choose them.
// Each refusal is its own sentence saying what to do.
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import type { CertificateUpload } from "@wheelhouse/shared";
import { describeCertificate, splitPemCertificates } from "./certificate-chain";

/** A path longer than this is a loop or a mistake; real chains have one or two intermediates. */
const MAX_PATH = 8;

export interface UploadedCertificate {
  /** What nginx serves: the leaf, then the intermediates in order, never the root. */
  fullChainPem: string;
  /** The key as unencrypted PKCS#8 PEM, whatever form it came in. */
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
  issuer: string;
  serial: string;
  names: string[];
}

export type UploadCheck = { ok: true; certificate: UploadedCertificate } | { ok: false; refusal: string };

export interface UploadCheckOptions {
  now: Date;
  /** PEM roots trusted without being uploaded; node's bundled Mozilla roots unless a test says otherwise. */
  systemRoots?: readonly string[];
}

/** Thrown inside the checks and turned into the refusal; never leaves this file. */
class Refusal extends Error {}

const utc = (date: Date) => `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;

const subjectOf = (certificate: X509Certificate) => describeCertificate(certificate).subject;

/** The certificates of one PEM text, or a refusal naming the text (`what`) and the block at fault. */
function parseCertificates(pem: string, what: string): X509Certificate[] {
  const blocks = splitPemCertificates(pem);
  const markers: string[] = pem.match(/-----BEGIN [A-Z0-9 ]+-----/g) ?? [];
  if (blocks.length === 0) {
    if (markers.some((marker) => marker.includes("PRIVATE KEY"))) {
      throw new Refusal(`${what} holds a private key, not a certificate: put the key in the key field.`);
    }
    throw new Refusal(
      `${what} is not a PEM certificate: it must contain a block starting with -----BEGIN CERTIFICATE----- (a DER file converts with: openssl x509 -inform der -in cert.der -out cert.pem).`,
    );
  }
  const other = markers.find((marker) => marker !== "-----BEGIN CERTIFICATE-----");
  if (other || markers.length !== blocks.length) {
    throw new Refusal(
      `${what} holds a block that is not a certificate (${other ?? "a damaged -----BEGIN CERTIFICATE----- block"}): give only -----BEGIN CERTIFICATE----- blocks there.`,
    );
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new Refusal(
        `Certificate ${index + 1} of ${blocks.length} in ${what.replace(/^The /, "the ")} does not parse as an X.509 certificate: copy the PEM block again, whole and unchanged.`,
      );
    }
  });
}

/** The private key, unencrypted; or the refusal that says which of the ways it is wrong. */
function parseKey(pem: string): KeyObject {
  const markers: string[] = pem.match(/-----BEGIN [A-Z0-9 ]+-----/g) ?? [];
  if (markers.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----") || /Proc-Type:\s*4,\s*ENCRYPTED/.test(pem)) {
    throw new Refusal(
      "The key is encrypted with a passphrase, which nginx cannot type: remove it with openssl pkey -in key.pem -out key-plain.pem and upload key-plain.pem.",
    );
  }
  const keyMarkers = markers.filter((marker) => /^-----BEGIN (RSA |EC )?PRIVATE KEY-----$/.test(marker));
  if (keyMarkers.length === 0) {
    throw new Refusal(
      "The key is not a PEM private key: it must start with -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY, EC PRIVATE KEY); a certificate or public key does not do.",
    );
  }
  if (markers.length > 1) {
    throw new Refusal(
      `The key holds ${markers.length} PEM blocks: give only the certificate's private key (one -----BEGIN PRIVATE KEY----- block).`,
    );
  }
  try {
    return createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new Refusal("The key does not parse as a private key: copy its PEM block again, whole and unchanged.");
  }
}

/** Whether `name` (from the certificate) covers `domain`: equal, or a wildcard standing for exactly one label. */
export function nameCovers(name: string, domain: string): boolean {
  const wanted = domain.toLowerCase();
  const given = name.toLowerCase();
  if (given === wanted) return true;
  if (!given.startsWith("*.") || wanted.startsWith("*.")) return false;
  const dot = wanted.indexOf(".");
  return dot > 0 && wanted.slice(dot + 1) === given.slice(2);
}

function checkNames(leaf: X509Certificate, domain: string): string[] {
  const names = describeCertificate(leaf).names;
  if (names.some((name) => nameCovers(name, domain))) return names;
  const covered =
    names.length > 0
      ? `it covers ${names.join(", ")}`
      : "it names no DNS names (no subjectAltName; the common name alone is not honoured by browsers)";
  throw new Refusal(`The certificate does not cover ${domain}: ${covered}. Upload a certificate issued for ${domain}.`);
}

function checkLeafDates(leaf: X509Certificate, now: Date): void {
  const { notBefore, notAfter } = describeCertificate(leaf);
  if (notAfter.getTime() <= now.getTime()) {
    throw new Refusal(`The certificate expired on ${utc(notAfter)}: renew it with its CA and upload the new one.`);
  }
  if (notBefore.getTime() > now.getTime()) {
    throw new Refusal(
      `The certificate is not valid yet: it is valid from ${utc(notBefore)}. Upload it from then on, or check this server's clock.`,
    );
  }
}

function checkChainDates(certificate: X509Certificate, now: Date): void {
  const { notBefore, notAfter } = describeCertificate(certificate);
  if (notAfter.getTime() <= now.getTime()) {
    throw new Refusal(
      `The chain certificate "${subjectOf(certificate)}" expired on ${utc(notAfter)}: get the current intermediate from your CA and upload it as the chain.`,
    );
  }
  if (notBefore.getTime() > now.getTime()) {
    throw new Refusal(
      `The chain certificate "${subjectOf(certificate)}" is not valid until ${utc(notBefore)}: upload the intermediate valid now.`,
    );
  }
}

const selfSigned = (certificate: X509Certificate) =>
  certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);

const issuedBy = (child: X509Certificate, parent: X509Certificate) =>
  child.checkIssued(parent) && child.verify(parent.publicKey);

const sameCertificate = (a: X509Certificate, b: X509Certificate) => a.fingerprint256 === b.fingerprint256;

/** Parsed once: the system's roots do not change while the portal runs. */
let systemRootCache: { pems: readonly string[]; parsed: X509Certificate[] } | null = null;
function parsedRoots(pems: readonly string[]): X509Certificate[] {
  if (systemRootCache?.pems === pems) return systemRootCache.parsed;
  const parsed = pems.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  systemRootCache = { pems, parsed };
  return parsed;
}

/**
 * The served chain: from the leaf, each next certificate is the given one whose subject is the
 * issuer's name and whose key verifies the signature, until one is issued by a trusted root (the
 * user's or the system's) or is itself such a root. Roots are not served: clients hold their own.
 */
function buildPath(
  leaf: X509Certificate,
  given: X509Certificate[],
  userRoots: X509Certificate[],
  systemRoots: X509Certificate[],
  now: Date,
): X509Certificate[] {
  const anchors = [...userRoots, ...systemRoots];
  const trusted = (certificate: X509Certificate) => anchors.some((anchor) => sameCertificate(anchor, certificate));
  const path = [leaf];
  let current = leaf;
  for (let step = 0; step < MAX_PATH; step += 1) {
    if (selfSigned(current)) {
      // A trusted self-signed leaf is served alone; a root above intermediates is left off.
      if (trusted(current)) return current === leaf ? path : path.slice(0, -1);
      throw new Refusal(
        `The chain ends at the root "${subjectOf(current)}", which this system does not trust and which was not given as the trusted root: add it as the trusted root if you trust it.`,
      );
    }
    if (anchors.some((anchor) => issuedBy(current, anchor))) return path;
    const next = given.find(
      (candidate) => issuedBy(current, candidate) && !path.some((seen) => sameCertificate(seen, candidate)),
    );
    if (!next) throw new Refusal(missingIssuer(current, leaf, [...given, ...anchors]));
    const nextIsUserRoot = userRoots.some((root) => sameCertificate(root, next));
    if (!nextIsUserRoot) checkChainDates(next, now);
    path.push(next);
    current = next;
  }
  throw new Refusal(
    `The chain is longer than ${MAX_PATH} certificates without reaching a root: give only the intermediates of this certificate.`,
  );
}

function missingIssuer(current: X509Certificate, leaf: X509Certificate, known: X509Certificate[]): string {
  const issuer = describeCertificate(current).issuer;
  const subject = subjectOf(current);
  // checkIssued also compares key identifiers: the names alone say it is an impostor of that name.
  if (known.some((candidate) => candidate.subject === current.issuer)) {
    return `The chain holds a certificate named "${issuer}", but it did not sign "${subject}" (the signature does not verify): it is another certificate of the same name. Add the intermediate that really issued it.`;
  }
  if (current === leaf) {
    return `The chain is incomplete: the intermediate certificate "${issuer}" that issued the certificate is missing. Add it to the chain (your CA sends it, often as chain.pem or ca-bundle.crt).`;
  }
  return `The chain is incomplete: no certificate "${issuer}" was given, which issued "${subject}". If it is an intermediate, add it to the chain; if it is your own root, give it as the trusted root.`;
}

/** Checks an upload; the first problem found is the refusal. */
export function checkUploadedCertificate(input: CertificateUpload, options: UploadCheckOptions): UploadCheck {
  try {
    return { ok: true, certificate: check(input, options) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, refusal: error.message };
    throw error;
  }
}

function check(input: CertificateUpload, options: UploadCheckOptions): UploadedCertificate {
  const { now } = options;
  const [leaf, ...bundled] = parseCertificates(input.certificatePem, "The certificate");
  if (!leaf) throw new Refusal("The certificate is empty: paste or choose its PEM file.");
  const chain = input.chainPem ? parseCertificates(input.chainPem, "The chain") : [];
  const userRoots = input.trustedRootPem ? parseCertificates(input.trustedRootPem, "The trusted root") : [];
  const key = parseKey(input.keyPem);
  if (!leaf.checkPrivateKey(key)) {
    throw new Refusal(
      "The key does not belong to the certificate (its public key is not the certificate's): upload the key the certificate was issued for.",
    );
  }
  const names = checkNames(leaf, input.domain);
  checkLeafDates(leaf, now);
  const systemRoots = parsedRoots(options.systemRoots ?? rootCertificates);
  const path = buildPath(leaf, [...bundled, ...chain, ...userRoots], userRoots, systemRoots, now);
  const facts = describeCertificate(leaf);
  return {
    fullChainPem: path
      .map((certificate) => certificate.toString().trim())
      .join("\n")
      .concat("\n"),
    keyPem: String(key.export({ type: "pkcs8", format: "pem" })),
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    issuer: facts.issuer,
    serial: facts.serial,
    names,
  };
}
