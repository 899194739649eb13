// A certificate's statuses, defined once (issue 15). Pending until the first ACME order succeeds;
// Active while it is served and not yet due; Renewing while an order for its successor runs (the
// current one keeps being served); Failed after an order failed (its ACME problem is kept, a retry
// is scheduled, and a still-valid certificate keeps being served); Expired once its notAfter passed.

export const CERTIFICATE_STATUSES = ["Pending", "Active", "Renewing", "Failed", "Expired"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/**
 * The worker orders these (ACME ones) when their nextAttemptAt falls due; an Expired one too, since
 * its renewal kept failing or the portal was down past its renewal time.
 */
export const ORDERABLE_CERTIFICATE_STATUSES = [
  "Pending",
  "Renewing",
  "Failed",
  "Expired",
] as const satisfies readonly CertificateStatus[];

/** Where a certificate may be served from, if its dates are valid now: the ones holding a certificate. */
export const SERVABLE_CERTIFICATE_STATUSES = [
  "Active",
  "Renewing",
  "Failed",
] as const satisfies readonly CertificateStatus[];

export const CERTIFICATE_SOURCES = ["acme", "upload"] as const;
export type CertificateSource = (typeof CERTIFICATE_SOURCES)[number];
