// Reads a PEM chain (issue 15): each certificate's subject, issuer, serial, dates and DNS names, for
// the certificate page and the upload checks. node:crypto's X509Certificate does the parsing.
import { X509Certificate } from "node:crypto";

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

export interface ChainEntry {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  names: string[];
}

/** The PEM blocks of a bundle, in order. */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(PEM_CERTIFICATE) ?? [];
}

/** DNS names of a subjectAltName string ("DNS:a.example, DNS:b.example, IP Address:…"). */
export function dnsNames(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(/,\s*/)
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice("DNS:".length).toLowerCase());
}

/** One line per distinguished name ("CN=Pebble Intermediate CA 6b2c1e"), as openssl prints it. */
function oneLine(name: string): string {
  return name.split("\n").filter(Boolean).join(", ");
}

export function describeCertificate(certificate: X509Certificate): ChainEntry {
  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    serial: certificate.serialNumber.toLowerCase(),
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    names: dnsNames(certificate.subjectAltName),
  };
}

/** Every certificate of the chain, leaf first; a block that does not parse is left out. */
export function readChain(pem: string): ChainEntry[] {
  return splitPemCertificates(pem).flatMap((block) => {
    try {
      return [describeCertificate(new X509Certificate(block))];
    } catch {
      return [];
    }
  });
}
