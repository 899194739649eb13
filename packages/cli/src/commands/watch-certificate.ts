// `certs issue|renew --wait`: follows a certificate order until it is Active or Failed, printing each
// status change on stderr so stdout keeps only the result. The portal orders in the background, so
// the order carries on whether or not anyone watches.
import type { CertificateDetail, CertificateStatus, CertificateSummary } from "@wheelhouse/shared";
import type { ApiClient } from "../api/api-client";
import type { Context } from "../context";
import { OperationFailedError } from "../errors";
import { formatDuration } from "../output/format";
import { CERTIFICATE_TONES, failureMessage } from "./certificate-text";

export const CERTIFICATE_POLL_INTERVAL_MS = 1_000;
/** Far beyond any CA's validation; an order still running then has a problem a person should see. */
export const CERTIFICATE_WAIT_LIMIT_MS = 10 * 60_000;

/**
 * States in which an order is still to finish. Expired among them: the expiry pass may mark a
 * certificate Expired while its renewal runs, and that order still ends Active or Failed.
 */
const UNDECIDED: readonly CertificateStatus[] = ["Pending", "Renewing", "Expired"];

/**
 * Whether `current` is the outcome of the order `requested` (the POST's answer) started. A Failed
 * read back may be a previous order's: it counts only when the certificate went through an
 * undecided state since the request (the portal answers Pending or Renewing), or, should the answer
 * itself have been Active or Failed, when the certificate was written after it.
 */
export function isOutcomeOf(current: CertificateSummary, requested: CertificateSummary): boolean {
  if (current.status !== "Active" && current.status !== "Failed") return false;
  if (UNDECIDED.includes(requested.status)) return true;
  return Date.parse(current.updatedAt) > Date.parse(requested.updatedAt);
}

export interface WaitResult {
  /** The certificate as last read. */
  certificate: CertificateDetail;
  /** Whether it is the order's outcome (Active or Failed), or still undecided when waiting stopped. */
  decided: boolean;
}

/**
 * Polls GET /certificates/{domain} every second after the POST's answer, until the certificate is
 * that order's outcome or stays undecided past the limit.
 */
export async function waitForCertificate(
  context: Context,
  client: ApiClient,
  requested: CertificateDetail,
): Promise<WaitResult> {
  const { terminal } = context;
  const started = context.now().getTime();
  let shown: CertificateStatus = requested.status;
  terminal.err(`${terminal.paintErr(`${shown}…`, CERTIFICATE_TONES[shown])}\n`);
  for (;;) {
    await context.sleep(CERTIFICATE_POLL_INTERVAL_MS);
    const current = await client.getCertificate(requested.domain);
    if (isOutcomeOf(current, requested)) {
      const took = formatDuration(Date.parse(current.updatedAt) - Date.parse(requested.updatedAt));
      terminal.err(`${terminal.paintErr(`${current.status} (${took})`, CERTIFICATE_TONES[current.status])}\n`);
      return { certificate: current, decided: true };
    }
    if (current.status !== shown) {
      shown = current.status;
      terminal.err(`${terminal.paintErr(`${shown}…`, CERTIFICATE_TONES[shown])}\n`);
    }
    if (context.now().getTime() - started >= CERTIFICATE_WAIT_LIMIT_MS) return { certificate: current, decided: false };
  }
}

/** Exit 0 for Active; 1 for Failed (the ACME problem verbatim, and the next try) or for waiting in vain. */
export function checkOutcome(context: Context, { certificate, decided }: WaitResult): void {
  if (!decided) {
    throw new OperationFailedError(
      `The certificate for ${certificate.domain} is still ${certificate.status} after ${CERTIFICATE_WAIT_LIMIT_MS / 60_000} min; stopped waiting (the order carries on). Follow it with: wheelhouse certs show ${certificate.domain}`,
    );
  }
  if (certificate.status === "Failed") throw new OperationFailedError(failureMessage(certificate, context.now()));
}
