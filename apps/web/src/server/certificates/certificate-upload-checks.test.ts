// The upload checks against certificates the real openssl makes in a temporary folder: a root, an
// intermediate and leaves with chosen names, keys and dates. Each refusal is asserted for its own
// sentence; the accepted bundle for what nginx would serve and the facts the page shows.
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { CertificateUpload } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Issued, OpensslPki } from "../testing/openssl-pki";
import { checkUploadedCertificate, nameCovers, type UploadCheckOptions } from "./certificate-upload-checks";

const DAY = 86_400_000;
let pki: OpensslPki;
let root: Issued;
let intermediate: Issued;
let leaf: Issued;
/** Certificates in the shop.test domain's bundle, and others made for one case each. */
let otherKeyPem: string;

beforeAll(async () => {
  pki = new OpensslPki();
  ({ root, intermediate, leaf } = await pki.chain(["shop.test", "*.shop.test"]));
  otherKeyPem = (await pki.issue({ commonName: "other.test", names: ["other.test"], issuer: intermediate })).keyPem;
});

afterAll(() => pki?.remove());

/** The system trusts nothing unless a case says so: the user's root is what counts. */
const options = (extra: Partial<UploadCheckOptions> = {}): UploadCheckOptions => ({
  now: new Date(),
  systemRoots: [],
  ...extra,
});

function upload(fields: Partial<CertificateUpload> = {}): CertificateUpload {
  return {
    domain: "shop.test",
    certificatePem: leaf.certPem,
    keyPem: leaf.keyPem,
    chainPem: intermediate.certPem,
    trustedRootPem: root.certPem,
    ...fields,
  };
}

function refusal(fields: Partial<CertificateUpload>, extra: Partial<UploadCheckOptions> = {}): string {
  const result = checkUploadedCertificate(upload(fields), options(extra));
  if (result.ok) throw new Error("the upload was accepted");
  return result.refusal;
}

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase();
const fingerprints = (pem: string) =>
  (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block).fingerprint256,
  );

describe("an upload that is accepted", () => {
  it("serves the leaf and its intermediate, not the root, with the leaf's facts and the key as PKCS#8", () => {
    const result = checkUploadedCertificate(upload(), options());
    if (!result.ok) throw new Error(result.refusal);
    const { certificate } = result;
    expect(fingerprints(certificate.fullChainPem)).toEqual([
      new X509Certificate(leaf.certPem).fingerprint256,
      new X509Certificate(intermediate.certPem).fingerprint256,
    ]);
    expect(certificate.names).toEqual(["shop.test", "*.shop.test"]);
    expect(certificate.issuer).toBe("CN=Test Intermediate CA");
    expect(certificate.serial).toBe(serialOf(leaf.certPem));
    expect(certificate.notAfter).toEqual(new Date(new X509Certificate(leaf.certPem).validTo));
    expect(certificate.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(new X509Certificate(leaf.certPem).checkPrivateKey(createPrivateKey(certificate.keyPem))).toBe(true);
  });

  it("takes the intermediate bundled after the leaf, a root the system trusts, and a traditional EC key", async () => {
    const result = checkUploadedCertificate(
      upload({
        certificatePem: `${leaf.certPem}${intermediate.certPem}${root.certPem}`,
        keyPem: await pki.convertKey(leaf.keyFile, "traditional"),
        chainPem: null,
        trustedRootPem: null,
      }),
      options({ systemRoots: [root.certPem] }),
    );
    if (!result.ok) throw new Error(result.refusal);
    expect(fingerprints(result.certificate.fullChainPem)).toHaveLength(2);
  });

  it("covers a name under its wildcard, exactly one label deep", () => {
    expect(checkUploadedCertificate(upload({ domain: "api.shop.test" }), options()).ok).toBe(true);
    expect(nameCovers("*.shop.test", "api.shop.test")).toBe(true);
    expect(nameCovers("*.shop.test", "shop.test")).toBe(false);
    expect(nameCovers("*.shop.test", "a.api.shop.test")).toBe(false);
    expect(nameCovers("*.shop.test", "*.shop.test")).toBe(true);
    expect(nameCovers("shop.test", "*.shop.test")).toBe(false);
  });
});

describe("each refusal, with its own sentence", () => {
  it("a certificate that is not PEM", () => {
    expect(refusal({ certificatePem: "MIIB this is DER pasted as text" })).toBe(
      "The certificate is not a PEM certificate: it must contain a block starting with -----BEGIN CERTIFICATE----- (a DER file converts with: openssl x509 -inform der -in cert.der -out cert.pem).",
    );
  });

  it("a private key in the certificate's place", () => {
    expect(refusal({ certificatePem: leaf.keyPem })).toBe(
      "The certificate holds a private key, not a certificate: put the key in the key field.",
    );
  });

  it("a certificate file with another kind of block in it", () => {
    expect(refusal({ certificatePem: `${leaf.certPem}${leaf.keyPem}` })).toBe(
      "The certificate holds a block that is not a certificate (-----BEGIN PRIVATE KEY-----): give only -----BEGIN CERTIFICATE----- blocks there.",
    );
  });

  it("a certificate block that does not parse", () => {
    const damaged =
      "-----BEGIN CERTIFICATE-----\nMIIBaGVsbG8gdGhlcmUgdGhpcyBpcyBub3QgREVS\n-----END CERTIFICATE-----\n";
    expect(refusal({ chainPem: `${intermediate.certPem}${damaged}` })).toBe(
      "Certificate 2 of 2 in the chain does not parse as an X.509 certificate: copy the PEM block again, whole and unchanged.",
    );
  });

  it("a key that is not a PEM private key", () => {
    expect(refusal({ keyPem: leaf.certPem })).toBe(
      "The key is not a PEM private key: it must start with -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY, EC PRIVATE KEY); a certificate or public key does not do.",
    );
  });

  it("a key file holding more than the key", () => {
    expect(refusal({ keyPem: `${leaf.keyPem}${leaf.certPem}` })).toBe(
      "The key holds 2 PEM blocks: give only the certificate's private key (one -----BEGIN PRIVATE KEY----- block).",
    );
  });

  it("a key encrypted with a passphrase", async () => {
    expect(refusal({ keyPem: await pki.convertKey(leaf.keyFile, "encrypted") })).toBe(
      "The key is encrypted with a passphrase, which nginx cannot type: remove it with openssl pkey -in key.pem -out key-plain.pem and upload key-plain.pem.",
    );
  });

  it("a key that does not match the certificate", () => {
    expect(refusal({ keyPem: otherKeyPem })).toBe(
      "The key does not belong to the certificate (its public key is not the certificate's): upload the key the certificate was issued for.",
    );
  });

  it("names that do not cover the domain, listing the ones it covers", () => {
    expect(refusal({ domain: "a.api.shop.test" })).toBe(
      "The certificate does not cover a.api.shop.test: it covers shop.test, *.shop.test. Upload a certificate issued for a.api.shop.test.",
    );
  });

  it("an expired certificate, saying when", async () => {
    const expired = await pki.issue({
      commonName: "shop.test",
      names: ["shop.test"],
      issuer: intermediate,
      notBefore: new Date("2024-01-01T00:00:00Z"),
      notAfter: new Date("2024-04-01T12:00:00Z"),
    });
    expect(refusal({ certificatePem: expired.certPem, keyPem: expired.keyPem })).toBe(
      "The certificate expired on 2024-04-01 12:00:00 UTC: renew it with its CA and upload the new one.",
    );
  });

  it("a certificate not valid yet, saying from when", () => {
    const from = new X509Certificate(leaf.certPem).validFrom;
    const before = new Date(Date.parse(from) - DAY);
    expect(refusal({}, { now: before })).toBe(
      `The certificate is not valid yet: it is valid from ${new Date(from).toISOString().slice(0, 19).replace("T", " ")} UTC. Upload it from then on, or check this server's clock.`,
    );
  });

  it("a missing intermediate, named", () => {
    expect(refusal({ chainPem: null })).toBe(
      'The chain is incomplete: the intermediate certificate "CN=Test Intermediate CA" that issued the certificate is missing. Add it to the chain (your CA sends it, often as chain.pem or ca-bundle.crt).',
    );
  });

  it("a chain that stops below an unknown issuer", () => {
    expect(refusal({ trustedRootPem: null })).toBe(
      'The chain is incomplete: no certificate "CN=Test Root CA" was given, which issued "CN=Test Intermediate CA". If it is an intermediate, add it to the chain; if it is your own root, give it as the trusted root.',
    );
  });

  it("a chain ending at a root neither given as trusted nor trusted by the system (node's own roots too)", () => {
    const sentence =
      'The chain ends at the root "CN=Test Root CA", which this system does not trust and which was not given as the trusted root: add it as the trusted root if you trust it.';
    const fields = { chainPem: `${intermediate.certPem}${root.certPem}`, trustedRootPem: null };
    expect(refusal(fields)).toBe(sentence);
    const withSystemRoots = checkUploadedCertificate(upload(fields), { now: new Date() });
    expect(withSystemRoots).toEqual({ ok: false, refusal: sentence });
  });

  it("an expired chain certificate", async () => {
    const shortLived = await pki.issue({
      commonName: "Short Intermediate CA",
      ca: true,
      issuer: root,
      notAfter: new Date(Date.now() + 10 * DAY),
    });
    const under = await pki.issue({ commonName: "shop.test", names: ["shop.test"], issuer: shortLived });
    const later = new Date(Date.now() + 20 * DAY);
    const expiry = new Date(new X509Certificate(shortLived.certPem).validTo);
    expect(
      refusal({ certificatePem: under.certPem, keyPem: under.keyPem, chainPem: shortLived.certPem }, { now: later }),
    ).toBe(
      `The chain certificate "CN=Short Intermediate CA" expired on ${expiry.toISOString().slice(0, 19).replace("T", " ")} UTC: get the current intermediate from your CA and upload it as the chain.`,
    );
  });

  it("an intermediate of the right name whose signature does not verify", async () => {
    const impostor = await pki.issue({ commonName: "Test Intermediate CA", ca: true, issuer: root });
    expect(refusal({ chainPem: impostor.certPem })).toBe(
      'The chain holds a certificate named "CN=Test Intermediate CA", but it did not sign "CN=shop.test" (the signature does not verify): it is another certificate of the same name. Add the intermediate that really issued it.',
    );
  });
});
