// Orders certificates (issue 15): claims each due Certificate row by a lease, like the webhook
// worker, so two portal processes never order one domain at once and an order cut short by a
// restart is taken up again when its lease passes (never stuck Pending). Each claim is one ACME
// order through acme-order.ts, the HTTP-01 answer published on every connected host of the app;
// the outcome is written to the row and its history, the app's hosts get the new certificate by
// an nginx apply, and a failure raises a signal and a notification. A graceful shutdown aborts the
// orders under way and hands their rows back at once, due now and not counted as failures, so the
// next portal orders them again without waiting out the lease (decision 041).
import { ORDERABLE_CERTIFICATE_STATUSES } from "@wheelhouse/shared";
import { statusIn } from "../db/status-filter";
import { reasonOf } from "../errors/app-error";
import type { PortalServices } from "../services";
import { acmeAccountFor, rememberAccount } from "./acme-accounts";
import { AcmeProblem, type ChallengePublisher, type IssuedCertificate, type orderCertificate } from "./acme-order";
import { CaBundleError, effectiveAcmeSettings } from "./acme-settings";
import { type CertificateEventKind, certificateChanged, recordCertificateEvent } from "./certificate-events";
import { certificateFailedNotice } from "./certificate-notices";
import { renewalTime, retryTime } from "./certificate-schedule";
import { applyAppHosts } from "./served-certificates";

/** How long a claim holds a certificate; extended while its order runs. */
const LEASE_MS = 60_000;
const LEASE_EXTEND_MS = 20_000;
/** Without a wake-up, due certificates are looked for this often. */
const POLL_MS = 2_000;
/** Orders this process runs at once: each is mostly waiting on the CA. */
const MAX_IN_FLIGHT = 2;
/** How long stop() waits for interrupted orders to hand their rows back (main.ts exits 5 s after SIGTERM). */
const STOP_GRACE_MS = 2_000;

/** The reason orders are aborted with when the portal stops: not the CA's failure, nor ours. */
class PortalStopping extends Error {
  constructor() {
    super("the portal is shutting down");
    this.name = "PortalStopping";
  }
}

export type CertificateWorkerServices = Pick<
  PortalServices,
  "db" | "logger" | "secrets" | "agents" | "nginx" | "events" | "signals" | "config"
>;

export interface CertificateWorkerDependencies {
  services: CertificateWorkerServices;
  order: typeof orderCertificate;
  makeAccountKey: () => Promise<string>;
  /** Told after each row changes (the router's pages refresh; the metrics gauge recounts). */
  now?: () => Date;
}

type Claimed = { id: string; teamId: string; appId: string; domain: string; status: string; failures: number };

export class CertificateWorker {
  private readonly orders = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private lookAgain = false;
  private stopped = true;
  /** Aborted by stop(): ends the orders under way. A fresh one for each start(). */
  private halt = new AbortController();
  private readonly wake = () => this.pump();

  constructor(private readonly deps: CertificateWorkerDependencies) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Starts ordering; only once the schema is current (main.ts starts it after the migrations). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halt = new AbortController();
    this.deps.services.events.on("certificatesQueued", this.wake);
    this.timer = setInterval(this.wake, POLL_MS);
    this.timer.unref();
    this.pump();
  }

  /**
   * Stops claiming and aborts the orders under way; resolves once each has handed its row back
   * (due now, status unchanged), or after `timeoutMs`. A row not handed back in time (the database
   * gone) is taken up again when its lease passes, as after a crash.
   */
  async stop(timeoutMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    this.deps.services.events.off("certificatesQueued", this.wake);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.halt.abort(new PortalStopping());
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.orders]),
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(grace);
  }

  /** For tests: resolves when no order runs. */
  async idle(): Promise<void> {
    while (this.orders.size > 0 || this.pumping) await Promise.allSettled([...this.orders, sleep(20)]);
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.lookAgain = true;
      return;
    }
    this.pumping = true;
    this.claimAndOrder()
      .catch((error: unknown) => this.deps.services.logger.error({ err: error }, "could not look for due certificates"))
      .finally(() => {
        this.pumping = false;
        if (this.lookAgain) {
          this.lookAgain = false;
          this.pump();
        }
      });
  }

  private async claimAndOrder(): Promise<void> {
    const room = MAX_IN_FLIGHT - this.orders.size;
    if (room <= 0) return;
    for (const row of await this.claim(room)) {
      const run = this.orderOne(row).finally(() => {
        this.orders.delete(run);
        this.pump();
      });
      this.orders.add(run);
    }
  }

  /**
   * Due: an orderable status whose next attempt came, or an Active certificate whose renewal time
   * came. Claimed by a conditional update of the lease; a row another process holds is skipped.
   */
  private async claim(limit: number): Promise<Claimed[]> {
    const { db } = this.deps.services;
    const now = this.now();
    const free = { OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] };
    const due = await db.certificate.findMany({
      where: {
        source: "acme",
        AND: [
          free,
          {
            OR: [
              { status: statusIn(ORDERABLE_CERTIFICATE_STATUSES), nextAttemptAt: { lte: now } },
              { status: "Active", renewAt: { lte: now } },
            ],
          },
        ],
      },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
      select: { id: true, teamId: true, appId: true, domain: true, status: true, failures: true },
    });
    const claimed: Claimed[] = [];
    for (const row of due) {
      const { count } = await db.certificate.updateMany({
        where: { id: row.id, ...free },
        data: {
          lockedUntil: new Date(now.getTime() + LEASE_MS),
          // A renewal shows as such while it runs; the served certificate stays until replaced.
          // Renewing is due by nextAttemptAt, so it is set: a renewal cut short by a crash is
          // claimed again when its lease passes instead of staying Renewing.
          ...(row.status === "Active" ? { status: "Renewing", nextAttemptAt: now } : {}),
        },
      });
      if (count === 1) claimed.push(row);
    }
    return claimed;
  }

  private async orderOne(row: Claimed): Promise<void> {
    const { services } = this.deps;
    const { db, logger } = services;
    const extend = setInterval(() => {
      db.certificate
        .updateMany({ where: { id: row.id }, data: { lockedUntil: new Date(this.now().getTime() + LEASE_MS) } })
        .catch((error: unknown) =>
          logger.warn({ err: error, domain: row.domain }, "could not extend a certificate's lease"),
        );
    }, LEASE_EXTEND_MS);
    extend.unref();
    const renewing = row.status === "Active" || row.status === "Renewing";
    const { signal } = this.halt;
    let issued: IssuedCertificate | null = null;
    try {
      await recordCertificateEvent(db, row.id, renewing ? "renewal-started" : "order-started", {});
      issued = await unlessAborted(this.order(row, signal), signal);
      await this.succeeded(row, issued, renewing);
    } catch (error) {
      // Stopped before the CA's answer: handed back, not failed. Once issued, the outcome stands.
      if (signal.aborted && issued === null) {
        await this.interrupted(row).catch((writeError: unknown) =>
          logger.warn(
            { err: writeError, domain: row.domain },
            "could not hand back an interrupted certificate order; it is taken up again when its lease passes",
          ),
        );
      } else {
        await this.failed(row, error).catch((writeError: unknown) =>
          logger.error({ err: writeError, domain: row.domain }, "could not record a failed certificate order"),
        );
      }
    } finally {
      clearInterval(extend);
    }
  }

  /** The order was cut short by a shutdown: due again now, same status, no failure counted or signalled. */
  private async interrupted(row: Claimed): Promise<void> {
    const { db, logger } = this.deps.services;
    const kind: CertificateEventKind = "interrupted";
    await db.$transaction([
      db.certificate.update({ where: { id: row.id }, data: { lockedUntil: null, nextAttemptAt: this.now() } }),
      db.certificateEvent.create({
        data: { certificateId: row.id, kind, details: JSON.stringify({ reason: "portal-shutdown" }) },
      }),
    ]);
    logger.info(
      { domain: row.domain },
      "certificate order interrupted by the shutdown; ordered again at the next start",
    );
    certificateChanged(this.deps.services, row.teamId, row.id);
  }

  private async order(row: Claimed, signal: AbortSignal): Promise<IssuedCertificate> {
    const { services, order, makeAccountKey } = this.deps;
    const { db, secrets, config } = services;
    const settings = await effectiveAcmeSettings(db, config);
    const account = await acmeAccountFor(db, secrets, settings.directoryUrl, makeAccountKey);
    const publisher = await this.publisherFor(row);
    const { certificate, accountUrl } = await order({
      directory: { url: settings.directoryUrl, caBundlePem: settings.caBundlePem },
      account: {
        accountKeyPem: account.accountKeyPem,
        accountUrl: account.accountUrl,
        email: settings.email,
        registeredEmail: account.email,
      },
      domain: row.domain,
      publisher,
      signal,
      onAccount: (url) => rememberAccount(db, account.id, url, settings.email),
    });
    if (accountUrl !== account.accountUrl || settings.email !== account.email) {
      await rememberAccount(db, account.id, accountUrl, settings.email);
    }
    return certificate;
  }

  /**
   * The HTTP-01 answer goes to every connected host of the app: the CA may reach any of them
   * through the domain's DNS. No connected host: nothing could answer, so the order is not begun.
   */
  private async publisherFor(row: Claimed): Promise<ChallengePublisher> {
    const { db, agents } = this.deps.services;
    const hosts = await db.appHost.findMany({ where: { appId: row.appId }, select: { hostId: true } });
    // Just after a restart the agents are still reconnecting (with back-off): an order the previous
    // run handed back waits for them rather than failing for want of an agent.
    await agents.awaitReconnects(hosts.map(({ hostId }) => hostId));
    const connected = hosts.map(({ hostId }) => hostId).filter((hostId) => agents.isLive(hostId));
    if (connected.length === 0) {
      throw new AcmeProblem({
        type: "wheelhouse:no-agent",
        detail: `No host of the app serving ${row.domain} has its agent connected, so nothing could answer the CA's challenge.`,
      });
    }
    return {
      put: async (token, keyAuthorization) => {
        await Promise.all(
          connected.map((hostId) => agents.command(hostId, "acme.challenge.put", { token, keyAuthorization })),
        );
      },
      remove: async (token) => {
        await Promise.allSettled(connected.map((hostId) => agents.command(hostId, "acme.challenge.remove", { token })));
      },
    };
  }

  private async succeeded(row: Claimed, issued: IssuedCertificate, renewing: boolean): Promise<void> {
    const { db, secrets, logger } = this.deps.services;
    await db.$transaction([
      db.certificate.update({
        where: { id: row.id },
        data: {
          status: "Active",
          fullChainPem: issued.fullChainPem,
          keyPem: secrets.seal(issued.keyPem),
          notBefore: issued.notBefore,
          notAfter: issued.notAfter,
          issuer: issued.issuer,
          serial: issued.serial,
          renewAt: renewalTime(issued.notBefore, issued.notAfter),
          failures: 0,
          errorType: null,
          errorDetail: null,
          nextAttemptAt: null,
          lockedUntil: null,
        },
      }),
      db.certificateEvent.create({
        data: {
          certificateId: row.id,
          kind: renewing ? "renewed" : "issued",
          details: JSON.stringify({
            serial: issued.serial,
            issuer: issued.issuer,
            notBefore: issued.notBefore.toISOString(),
            notAfter: issued.notAfter.toISOString(),
          }),
        },
      }),
    ]);
    logger.info({ domain: row.domain, notAfter: issued.notAfter.toISOString(), renewing }, "certificate issued");
    certificateChanged(this.deps.services, row.teamId, row.id);
    await applyAppHosts(this.deps.services, row.appId, "the new certificate");
  }

  private async failed(row: Claimed, error: unknown): Promise<void> {
    const { services } = this.deps;
    const { db, logger } = services;
    const problem = toProblem(error);
    if (problem.type === "wheelhouse:internal")
      logger.error({ err: error, domain: row.domain }, "certificate order failed");
    const failures = row.failures + 1;
    const nextAttemptAt = retryTime(this.now(), failures, services.config.certRetryInitialMs, problem.retryAfter);
    await db.$transaction([
      db.certificate.update({
        where: { id: row.id },
        data: {
          status: "Failed",
          errorType: problem.type,
          errorDetail: problem.detail,
          failures,
          nextAttemptAt,
          lockedUntil: null,
        },
      }),
      db.certificateEvent.create({
        data: {
          certificateId: row.id,
          kind: "failed",
          details: JSON.stringify({
            type: problem.type,
            detail: problem.detail,
            nextAttemptAt: nextAttemptAt.toISOString(),
          }),
        },
      }),
    ]);
    logger.warn(
      { domain: row.domain, type: problem.type, detail: problem.detail, failures },
      "certificate order failed",
    );
    certificateChanged(services, row.teamId, row.id);
    await certificateFailedNotice(services, row, problem, row.status !== "Pending", nextAttemptAt);
  }
}

/** Any failure as the problem the page shows: the CA's own, or ours in the same shape. */
function toProblem(error: unknown): { type: string; detail: string; retryAfter: Date | null } {
  if (error instanceof AcmeProblem) return { type: error.type, detail: error.detail, retryAfter: error.retryAfter };
  if (error instanceof CaBundleError) return { type: "wheelhouse:ca-bundle", detail: error.message, retryAfter: null };
  return {
    type: "wheelhouse:internal",
    detail: `The order stopped on an error of the portal: ${reasonOf(error)}`,
    retryAfter: null,
  };
}

/**
 * The work's outcome, or the signal's reason as soon as it is aborted: acme-client sleeps up to
 * 15 s between looks at a challenge, and the abort reaches the order only at its next request. The
 * work left behind ends at that request (its outcome is then of no interest: the row is handed back).
 */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
