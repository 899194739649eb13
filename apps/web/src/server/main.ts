// Starts the portal: settings, HTTP server (health first), database, then the UI.
// Run with `tsx apps/web/src/server/main.ts` (npm start does this after building).

import { EventEmitter } from "node:events";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { bootstrapAdminFromEnv } from "./access/bootstrap-admin";
import { configureSecondFactorDefaults } from "./access/second-factor-policy";
import { countActiveSessions } from "./access/sessions";
import { ApprovalExpirySweep } from "./approvals/approval-expiry";
import { recordAudit } from "./audit/audit-log";
import { RefusalTally } from "./audit/refusal-tally";
import { createAccountKey, orderCertificate } from "./certificates/acme-order";
import { CertificateExpiryPass } from "./certificates/certificate-expiry";
import { certificateFacts } from "./certificates/certificate-reads";
import { CertificateWorker } from "./certificates/certificate-worker";
import { type Config, ConfigError, describeSettings, parseConfig } from "./config/env";
import { createSecretBox } from "./config/secret-box";
import { loadSecretKey } from "./config/secret-key";
import { createDb } from "./db/client";
import { FatalDatabaseError, migrateWhenReachable } from "./db/database-readiness";
import { WriteHealth } from "./db/write-health";
import { DeployOrchestrator } from "./deployments/deploy-orchestrator";
import { NginxSync } from "./deployments/nginx-sync";
import { Reconciler } from "./deployments/reconciler";
import { resumeUnhandledPushes } from "./hooks/registry-pushes";
import { AgentRegistry } from "./hosts/agent-registry";
import { InventoryStore } from "./hosts/docker-inventory";
import { pruneSamples } from "./hosts/host-telemetry";
import { prepareLocalAgentToken } from "./hosts/local-agent";
import { createRequestHandler, type PageHandler } from "./http/request-handler";
import { AgentLostSweep } from "./incidents/agent-lost-sweep";
import { countOpenIncidentsBySeverity } from "./incidents/incidents";
import { SignalIntake } from "./incidents/signal-intake";
import { HealthWatch } from "./live-health/health-watch";
import { createLogger } from "./logging/logger";
import { createMetrics } from "./metrics/registry";
import { createNotifier } from "./notifications/notify";
import { WebhookRetention } from "./notifications/webhook-retention";
import { WebhookWorker } from "./notifications/webhook-worker";
import { attachSockets } from "./realtime/sockets";
import { attachRunbooksByRules } from "./runbooks/runbook-attach";
import { runbookLibrary } from "./runbooks/runbook-library";
import { endInterruptedSteps } from "./runbooks/runbook-runs";
import type { PortalEvents, PortalServices } from "./services";
import { AttachTokens } from "./terminal/attach-tokens";
import { TerminalManager } from "./terminal/terminal-manager";
import { endAbandonedSessions } from "./terminal/terminal-records";

const webDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function fail(sentence: string): never {
  process.stderr.write(`\nWheelhouse cannot start: ${sentence}\n\n`);
  process.exit(1);
}

function readConfig(): Config {
  if (process.argv.includes("--help")) {
    process.stdout.write(`Wheelhouse portal. Settings (environment variables):\n${describeSettings()}\n`);
    process.exit(0);
  }
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

async function main() {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  configureSecondFactorDefaults(config.secondFactorDefaultRoles);
  let secretKey: Buffer;
  try {
    secretKey = loadSecretKey(config.dataDir, config.secretKeyHex);
  } catch (error) {
    fail(`${(error as Error).message} (DATA_DIR=${config.dataDir})`);
  }
  const db = createDb(config.database);
  let agents: AgentRegistry | undefined;
  const metrics = createMetrics({
    countActiveSessions: () => countActiveSessions(db),
    countConnectedAgents: () => agents?.count ?? 0,
    countInstancesByStatus: async () => {
      const groups = await db.containerInstance.groupBy({ by: ["status"], _count: { _all: true } });
      return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
    },
    countOpenIncidentsBySeverity: () => countOpenIncidentsBySeverity(db),
    certificateFacts: () => certificateFacts(db),
  });
  // Agents reconnect within seconds of a restart; queued work waits this long for them (agent-registry.ts).
  const reconnectWindowMs = 30_000;
  agents = new AgentRegistry(metrics, { reconnectWindowMs });
  const events = new EventEmitter<PortalEvents>();
  const inventory = new InventoryStore();
  const secrets = createSecretBox(secretKey);
  const nginx = new NginxSync(db, agents, secrets);
  const notifier = createNotifier({ db, events, logger, config });
  const signals = new SignalIntake({
    db,
    logger,
    metrics,
    events,
    notifier,
    // `services` is complete before the first signal: sources start after it is built.
    afterOpen: async (incidentId, stopping) => {
      const attached = await attachRunbooksByRules(services, incidentId, stopping);
      await attached.autoSteps;
    },
  });
  const health = new HealthWatch({ db, agents, logger });
  const deployments = new DeployOrchestrator({
    db,
    agents,
    logger,
    secrets,
    events,
    metrics,
    nginx,
    signals,
    notifier,
    health,
  });
  const terminals = new TerminalManager({ db, agents, config, logger, metrics });
  const services: PortalServices = {
    config,
    db,
    logger,
    secretKey,
    events,
    readiness: { migrationsApplied: false },
    writes: new WriteHealth({ db, logger, database: config.database, dataDir: config.dataDir }),
    agents,
    inventory,
    secrets,
    deployments,
    nginx,
    health,
    metrics,
    terminals,
    terminalTokens: new AttachTokens(),
    signals,
    refusals: new RefusalTally({
      write: (entry) => recordAudit(db, entry),
      onWriteError: (error, entry) =>
        logger.error({ err: error, action: entry.action }, "could not write the count of repeated refusals"),
    }),
    webhooks: new WebhookWorker({
      db,
      logger,
      secrets,
      events,
      metrics,
      retryInitialMs: config.webhookRetryInitialMs,
    }),
  };
  const agentLost = new AgentLostSweep({ db, agents, signals, logger, startupGraceMs: reconnectWindowMs });
  const approvalExpiry = new ApprovalExpirySweep(services);
  const webhookRetention = new WebhookRetention(services.db, services.logger);
  // Certificates (issue 15): orders run in the background, renewals and retries are due rows, so
  // both survive a restart; the expiry pass marks what passed its date and warns 14 days ahead.
  const certificates = new CertificateWorker({ services, order: orderCertificate, makeAccountKey: createAccountKey });
  const certificateExpiry = new CertificateExpiryPass(services);
  const reconciler = new Reconciler({ db, agents, inventory, nginx, health, logger });
  let pages: PageHandler | null = null;
  const server = createServer(createRequestHandler(services, metrics, () => pages));
  const sockets = attachSockets(server, services, metrics);

  await new Promise<void>((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        fail(
          `port ${config.port} is already in use on ${config.host}. Stop the program using it, or set PORT to a free port (e.g. PORT=${config.port + 1}).`,
        );
      }
      if (error.code === "EACCES")
        fail(`port ${config.port} needs privileges this user lacks. Set PORT to a port above 1023.`);
      if (error.code === "EADDRNOTAVAIL")
        fail(`HOST=${config.host} is not an address of this machine. Set HOST to one of its addresses, e.g. 0.0.0.0.`);
      fail(`could not listen on ${config.host}:${config.port}: ${error.message}`);
    });
    server.listen(config.port, config.host, resolve);
  });
  logger.info({ port: config.port, host: config.host, database: config.database.kind }, "listening");

  const stopping = new AbortController();
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    stopping.abort();
    services.writes.stop();
    deployments.stop();
    agentLost.stop();
    approvalExpiry.stop();
    webhookRetention.stop();
    // Orders under way are aborted and their rows handed back, due now, before the database goes
    // (decision 041); one not handed back within 2 s is taken up again when its lease passes.
    const certificatesStopped = certificates.stop(2_000);
    certificateExpiry.stop();
    // Shells end with the portal (their rows and recordings are closed first), then the sockets.
    // Closing Socket.IO closes the HTTP server it is attached to as well.
    terminals
      .closeAll()
      .then(() => certificatesStopped)
      // Runbook steps an incident started are given a moment; one cut short is marked at the next start.
      .then(() => signals.stop(2_000))
      // A webhook send cut short is sent again when its lease passes (at least once, decision 039).
      .then(() => services.webhooks.stop())
      .then(() => sockets.close())
      .catch((error: unknown) => logger.error({ err: error }, "could not close shells or write the last host samples"))
      // Counted refusals of open windows are written before the database goes (flush logs its own failures).
      .finally(() => void services.refusals.flush().finally(() => db.$disconnect().finally(() => process.exit(0))));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  // Diagnostics: with node --expose-gc, SIGUSR2 runs a full garbage collection, so a memory
  // measurement (bench/agents) sees what is retained rather than what is not yet collected.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) process.on("SIGUSR2", () => gc());
  process.once("SIGINT", () => shutdown("SIGINT"));

  const ui = next({ dev: config.dev, dir: webDir, hostname: config.host, port: config.port });
  const uiReady = ui.prepare().then(() => {
    const handle = ui.getRequestHandler();
    pages = (req, res) => handle(req, res);
  });

  try {
    await migrateWhenReachable(services, logger, stopping.signal);
  } catch (error) {
    if (error instanceof FatalDatabaseError) fail(error.message);
    throw error;
  }
  // From here on the schema is current, so the write probe has a database to write to.
  if (!stopping.signal.aborted) services.writes.start();
  await bootstrapAdminFromEnv(services);
  const abandoned = await endAbandonedSessions(db);
  if (abandoned > 0) logger.info({ sessions: abandoned }, "terminal sessions of the previous run marked ended");
  // A check that was running when the previous process stopped never finishes: say so on its step.
  const interrupted = await endInterruptedSteps(db);
  if (interrupted > 0) logger.info({ steps: interrupted }, "runbook steps of the previous run marked error");
  // Read now, so a broken library file is logged at start-up rather than on the first request.
  runbookLibrary(config.runbooksDir, logger);
  // Only once the database is there: finish what a previous run left half-done, then reconcile
  // each host as its agent reports in.
  await deployments.recoverAtStartup();
  // A push recorded just before the last stop has not deployed yet, and its retry would count as a duplicate.
  await resumeUnhandledPushes(services);
  const reconcile = (hostId: string) => {
    reconciler
      .reconcileHost(hostId)
      .catch((error: unknown) => logger.error({ err: error, hostId }, "could not reconcile a host"));
  };
  events.on("agentInventoryReceived", reconcile);
  for (const hostId of agents.connectedHostIds()) reconcile(hostId);
  // Container events come in bursts (a deploy creates and removes several): one pass per burst.
  const settling = new Map<string, NodeJS.Timeout>();
  events.on("hostAppContainerChanged", (hostId) => {
    clearTimeout(settling.get(hostId));
    settling.set(
      hostId,
      setTimeout(() => {
        settling.delete(hostId);
        reconcile(hostId);
      }, 300),
    );
  });
  // Ready only now: a script that waits for /health/ready may sign in as the bootstrap admin at once.
  services.readiness.migrationsApplied = true;
  agentLost.start();
  approvalExpiry.start();
  webhookRetention.start();
  // Deliveries queued before a stop (or a crash) are sent now: the queue is the database.
  services.webhooks.start();
  certificates.start();
  certificateExpiry.start();
  const prepareLocalAgent = () =>
    prepareLocalAgentToken(services).catch((error: unknown) =>
      logger.error({ err: error }, "could not prepare the local agent's enrolment"),
    );
  services.events.on("teamCreated", prepareLocalAgent);
  await prepareLocalAgent();
  setInterval(() => {
    pruneSamples(db).catch((error: unknown) => logger.error({ err: error }, "could not prune old host samples"));
  }, 60_000).unref();
  await uiReady;
  logger.info({ url: config.publicUrl }, "ready");
}

main().catch((error: unknown) => {
  process.stderr.write(`\nWheelhouse stopped on an unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
