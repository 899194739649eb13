// Prometheus metrics of the portal (prom-client). Names start with wheelhouse_; process and Node.js
// runtime metrics come from prom-client's defaults. `promtool check metrics` runs on this output in tests.
import {
  ACTIVE_INSTANCE_STATUSES,
  CERTIFICATE_STATUSES,
  CHECK_KINDS,
  CHECK_OUTCOMES,
  GATED_ACTIONS,
  SEVERITIES,
  SIGNAL_KINDS,
  SIGNAL_OUTCOMES,
} from "@wheelhouse/shared";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What became of an approval request, as wheelhouse_approval_requests_total counts it. */
export const APPROVAL_METRIC_OUTCOMES = [
  "requested",
  "approved-executed",
  "failed",
  "denied",
  "expired",
  "cancelled",
  "break-glass",
] as const;
export type ApprovalMetricOutcome = (typeof APPROVAL_METRIC_OUTCOMES)[number];

export interface PortalMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  uiSockets: Gauge;
  agentCommands: Counter<"type" | "outcome">;
  agentConnections: Counter<"outcome">;
  agentCommandDuration: Histogram<"type">;
  /** Every refused agent message, logged or not (the log has one line per kind per host per minute). */
  agentMessagesRefused: Counter<"kind">;
  deployments: Counter<"kind" | "outcome">;
  deploymentDuration: Histogram<"kind" | "outcome">;
  logLinesRelayed: Counter;
  logFollowers: Gauge;
  terminalSessions: Counter<"kind">;
  terminalSessionsActive: Gauge;
  /** Every signal, by kind and what became of it (incidents/signal-intake.ts). */
  signals: Counter<"kind" | "outcome">;
  /** Runbook check steps finished, by check kind and outcome (pass, fail, error). */
  runbookChecks: Counter<"check" | "outcome">;
  /** Approval requests by gated action and what became of them (approvals/approval-metrics.ts). */
  approvalRequests: Counter<"action" | "outcome">;
  /** Time from an approval request to its decision (executed, failed, denied, expired, cancelled). */
  approvalWait: Histogram<"action">;
  /** Webhook delivery attempts, by outcome: delivered, retried (will be sent again), failed (given up). */
  webhookDeliveries: Counter<"outcome">;
}

export interface MetricSources {
  countActiveSessions(): Promise<number>;
  countConnectedAgents(): number;
  countInstancesByStatus(): Promise<Record<string, number>>;
  /** Incidents not Resolved, by severity. */
  countOpenIncidentsBySeverity(): Promise<Record<string, number>>;
  /** Certificates by status, and each served one's expiry (issue 15). */
  certificateFacts(): Promise<{ byStatus: Record<string, number>; expiries: { domain: string; notAfter: Date }[] }>;
}

export function createMetrics(sources: MetricSources): PortalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool
  // refuses them). nodejs_active_handles / _requests / _resources carry the same numbers.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(name);
  }
  const httpRequests = new Counter({
    name: "wheelhouse_http_requests_total",
    help: "HTTP requests answered, by method, route and status code.",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "wheelhouse_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method, route and status code.",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "wheelhouse_sessions_active",
    help: "Sign-in sessions that have not expired.",
    registers: [registry],
    async collect() {
      // The database may be down while Prometheus scrapes: report nothing rather than a wrong zero.
      try {
        this.set(await sources.countActiveSessions());
      } catch {
        this.reset();
      }
    },
  });
  const uiSockets = new Gauge({
    name: "wheelhouse_ui_sockets_connected",
    help: "Browser Socket.IO connections open on the /ui namespace.",
    registers: [registry],
  });
  new Gauge({
    name: "wheelhouse_agents_connected",
    help: "Host agents connected to this portal process.",
    registers: [registry],
    collect() {
      this.set(sources.countConnectedAgents());
    },
  });
  const agentConnections = new Counter({
    name: "wheelhouse_agent_connections_total",
    help: "Agent handshakes, by outcome: accepted, replaced (accepted, closing the host's previous connection) or refused (bad handshake, bad key, key in use by another agent, portal unavailable).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  // Every outcome is exported from the start: a rate over a series that appears late misses its first count.
  for (const outcome of ["accepted", "replaced", "refused"]) agentConnections.inc({ outcome }, 0);
  const agentCommands = new Counter({
    name: "wheelhouse_agent_commands_total",
    help: "Commands sent to agents, by command type and outcome (ok, failed, timeout, offline, malformed).",
    labelNames: ["type", "outcome"],
    registers: [registry],
  });
  const agentCommandDuration = new Histogram({
    name: "wheelhouse_agent_command_duration_seconds",
    help: "Time from sending a command to an agent to its reply, by command type.",
    labelNames: ["type"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
    registers: [registry],
  });
  const agentMessagesRefused = new Counter({
    name: "wheelhouse_agent_messages_refused_total",
    help: "Messages from agents the portal refused, by kind (unknown-event, invalid, containers-over-cap, images-over-cap, sample-time, other-host-session, other-host-stream).",
    labelNames: ["kind"],
    registers: [registry],
  });
  const deployments = new Counter({
    name: "wheelhouse_deployments_total",
    help: "Deployments finished, by kind (deploy, rollback, restart, scale) and outcome (live, failed).",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  const deploymentDuration = new Histogram({
    name: "wheelhouse_deployment_duration_seconds",
    help: "Time from a deployment's start (leaving Queued) to Live or Failed.",
    labelNames: ["kind", "outcome"],
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const logLinesRelayed = new Counter({
    name: "wheelhouse_log_lines_relayed_total",
    help: "Log lines the portal passed on to viewers (browsers on /logs, the REST API and the CLI).",
    registers: [registry],
  });
  const logFollowers = new Gauge({
    name: "wheelhouse_log_followers",
    help: "Log streams viewers have open on this portal process (one per open log view).",
    registers: [registry],
  });
  const terminalSessions = new Counter({
    name: "wheelhouse_terminal_sessions_total",
    help: "Terminal sessions opened, by kind (container, host, exec).",
    labelNames: ["kind"],
    registers: [registry],
  });
  const terminalSessionsActive = new Gauge({
    name: "wheelhouse_terminal_sessions_active",
    help: "Terminal sessions running now (browser shells, and `wheelhouse exec` commands while they run).",
    registers: [registry],
  });
  const runbookChecks = new Counter({
    name: "wheelhouse_runbook_checks_total",
    help: "Automatic runbook steps finished, by check kind and outcome (pass, fail, error).",
    labelNames: ["check", "outcome"],
    registers: [registry],
  });
  // Every series from the start, so a rate over a failing check counts its first failure too.
  for (const check of CHECK_KINDS) for (const outcome of CHECK_OUTCOMES) runbookChecks.inc({ check, outcome }, 0);
  const approvalRequests = new Counter({
    name: "wheelhouse_approval_requests_total",
    help: "Approval requests, by gated action and outcome: requested, approved-executed, failed, denied, expired, cancelled, break-glass (run without approval).",
    labelNames: ["action", "outcome"],
    registers: [registry],
  });
  for (const action of GATED_ACTIONS) {
    for (const outcome of APPROVAL_METRIC_OUTCOMES) approvalRequests.inc({ action, outcome }, 0);
  }
  const approvalWait = new Histogram({
    name: "wheelhouse_approval_wait_seconds",
    help: "Time from an approval request to its decision (executed, failed, denied, expired or cancelled), by gated action.",
    labelNames: ["action"],
    buckets: [30, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 7 * 24 * 3600],
    registers: [registry],
  });
  const webhookDeliveries = new Counter({
    name: "wheelhouse_webhook_deliveries_total",
    help: "Outgoing webhook attempts, by outcome: delivered (2xx), retried (will be sent again) or failed (given up: 24 hours passed, or the receiver answered 410 Gone).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  for (const outcome of ["delivered", "retried", "failed"]) webhookDeliveries.inc({ outcome }, 0);
  new Gauge({
    name: "wheelhouse_container_instances",
    help: "App instances Wheelhouse tracks, by status (Starting, Healthy, Unhealthy).",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      try {
        const counts = await sources.countInstancesByStatus();
        this.reset();
        for (const status of ACTIVE_INSTANCE_STATUSES) this.set({ status }, counts[status] ?? 0);
      } catch {
        this.reset();
      }
    },
  });
  const signals = new Counter({
    name: "wheelhouse_signals_total",
    help: "Signals received (instance unhealthy, deployment failed, agent lost, certificate, alert), by kind and outcome: opened an incident, deduplicated into an open one, or ignored.",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  for (const kind of SIGNAL_KINDS) for (const outcome of SIGNAL_OUTCOMES) signals.inc({ kind, outcome }, 0);
  new Gauge({
    name: "wheelhouse_incidents_open",
    help: "Incidents not yet Resolved, by severity (SEV1 worst).",
    labelNames: ["severity"],
    registers: [registry],
    async collect() {
      // As for instances: nothing rather than a wrong zero while the database does not answer.
      try {
        const counts = await sources.countOpenIncidentsBySeverity();
        this.reset();
        for (const severity of SEVERITIES) this.set({ severity }, counts[severity] ?? 0);
      } catch {
        this.reset();
      }
    },
  });
  // Certificates (issue 15): one query per scrape feeds both gauges.
  let certificateFacts: ReturnType<MetricSources["certificateFacts"]> | null = null;
  const factsOnce = () => {
    certificateFacts ??= sources.certificateFacts().finally(() => {
      setTimeout(() => {
        certificateFacts = null;
      }, 1_000).unref();
    });
    return certificateFacts;
  };
  new Gauge({
    name: "wheelhouse_certificates",
    help: "Certificates by status (Pending, Active, Renewing, Failed, Expired).",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      try {
        const { byStatus } = await factsOnce();
        this.reset();
        for (const status of CERTIFICATE_STATUSES) this.set({ status }, byStatus[status] ?? 0);
      } catch {
        this.reset();
      }
    },
  });
  new Gauge({
    name: "wheelhouse_certificate_expiry_seconds",
    help: "Seconds until each certificate that holds one expires (negative once expired), by domain.",
    labelNames: ["domain"],
    registers: [registry],
    async collect() {
      try {
        const { expiries } = await factsOnce();
        this.reset();
        const now = Date.now();
        for (const { domain, notAfter } of expiries)
          this.set({ domain }, Math.round((notAfter.getTime() - now) / 1_000));
      } catch {
        this.reset();
      }
    },
  });
  return {
    registry,
    httpRequests,
    httpDuration,
    uiSockets,
    agentCommands,
    agentConnections,
    agentCommandDuration,
    agentMessagesRefused,
    deployments,
    deploymentDuration,
    logLinesRelayed,
    logFollowers,
    terminalSessions,
    terminalSessionsActive,
    signals,
    runbookChecks,
    webhookDeliveries,
    approvalRequests,
    approvalWait,
  };
}

/** A bounded route label: never the raw URL, so a scanner cannot explode the series count. */
export function routeLabel(pathname: string): string {
  if (pathname === "/health" || pathname === "/health/ready" || pathname === "/metrics") return pathname;
  if (pathname.startsWith("/api/trpc")) return "/api/trpc";
  if (pathname === "/api/agent/enroll" || pathname === "/api/agent/status") return pathname;
  if (pathname.startsWith("/install/")) return "/install";
  if (pathname.startsWith("/socket.io")) return "/socket.io";
  if (pathname.startsWith("/_next/")) return "/_next";
  return "page";
}
