// Shapes of certificates over the API (tRPC, REST /api/v1/certificates, the CLI), issue 15. A
// certificate is read back with its dates, issuer, names, chain and history, and never its key.
import { z } from "zod";
import { domainSchema } from "../apps/app-fields";
import { CERTIFICATE_SOURCES, CERTIFICATE_STATUSES } from "../statuses/certificate-statuses";

/** A domain an app serves, as a certificate is asked for; HTTP-01 cannot prove a wildcard. */
export const certificateDomainSchema = domainSchema.refine(
  (domain) => !domain.startsWith("*."),
  "A wildcard certificate needs the DNS-01 challenge, which Wheelhouse does not use: upload one instead.",
);

/** A domain whose certificate is ordered from the ACME directory (issue, renew): never a wildcard. */
export const certificateDomainInputSchema = z.object({ domain: certificateDomainSchema }).strict();

/** A domain whose certificate is read: an uploaded one may be a wildcard. */
export const certificateLookupInputSchema = z.object({ domain: domainSchema }).strict();

/** The ACME problem of the last failed order, verbatim (RFC 8555 section 6.7), or one of ours (wheelhouse:…). */
export const acmeProblemSchema = z.object({ type: z.string(), detail: z.string() });

export const certificateSummarySchema = z.object({
  id: z.string(),
  domain: z.string(),
  app: z.object({ id: z.string(), name: z.string() }),
  source: z.enum(CERTIFICATE_SOURCES),
  status: z.enum(CERTIFICATE_STATUSES),
  notBefore: z.iso.datetime().nullable(),
  notAfter: z.iso.datetime().nullable(),
  issuer: z.string().nullable(),
  renewAt: z.iso.datetime().nullable(),
  error: acmeProblemSchema.nullable(),
  /** When a failed or pending order is tried next; null when nothing is scheduled. */
  nextAttemptAt: z.iso.datetime().nullable(),
  failures: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type CertificateSummary = z.infer<typeof certificateSummarySchema>;

/** One certificate of the served chain, leaf first. */
export const chainEntrySchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  serial: z.string(),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  /** DNS names of the subjectAltName (the leaf's are what it covers). */
  names: z.array(z.string()),
});

export const certificateEventSchema = z.object({
  at: z.iso.datetime(),
  kind: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const certificateDetailSchema = certificateSummarySchema.extend({
  serial: z.string().nullable(),
  names: z.array(z.string()),
  chain: z.array(chainEntrySchema),
  events: z.array(certificateEventSchema),
});
export type CertificateDetail = z.infer<typeof certificateDetailSchema>;

/** PEM texts are bounded: a leaf and a few intermediates fit in far less. */
const PEM_MAX = 64_000;
const pemText = (what: string, max = PEM_MAX) =>
  z
    .string()
    .max(max, `${what} is at most ${max.toLocaleString("en-US")} characters of PEM.`)
    .refine((text) => text.trim().length > 0, `${what} is empty: paste or choose its PEM file.`);

/**
 * An uploaded certificate (issue 15) for a domain of an app, wildcards included: the certificate
 * (leaf first; any certificates after it are taken as chain), its private key, the intermediates,
 * and a root the user trusts when the system does not. The portal checks them (certificate-upload-
 * checks.ts) and refuses each problem with its own sentence.
 */
export const certificateUploadSchema = z
  .object({
    domain: domainSchema,
    certificatePem: pemText("The certificate"),
    keyPem: pemText("The key", 16_000),
    chainPem: pemText("The chain").nullable().default(null),
    trustedRootPem: pemText("The trusted root").nullable().default(null),
  })
  .strict();
export type CertificateUpload = z.input<typeof certificateUploadSchema>;

export const certificatesAnswerSchema = z.object({ certificates: z.array(certificateSummarySchema) });
export const certificateAnswerSchema = z.object({ certificate: certificateDetailSchema });

/** The ACME directory settings (one per portal); the CA bundle is a PEM text. */
/** Let's Encrypt's ACME directories: the default, and its staging twin for trying things out. */
export const LETS_ENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory";
export const LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

export const acmeSettingsSchema = z.object({
  directoryUrl: z
    .url({ protocol: /^https?$/, message: "The directory is the https URL of an ACME directory." })
    .max(2_048, "A directory URL is at most 2048 characters."),
  caBundlePem: z.string().max(64_000, "A CA bundle is at most 64,000 characters.").nullable(),
  email: z.email("Enter an email address, e.g. ops@example.com.").max(254).nullable(),
});
export const acmeSettingsAnswerSchema = acmeSettingsSchema.extend({ source: z.enum(["settings", "environment"]) });
