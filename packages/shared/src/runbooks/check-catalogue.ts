// The checks a runbook step can run (issue 13 item 5): each kind, its parameters with bounds, and
// where it runs. Agent checks travel as the `check.run` command (protocol/check-commands.ts) to the
// agent of the incident's host; portal checks read the portal's own records. Every check answers
// pass, fail or error, with a one-line finding a person can act on and the raw output.
import { z } from "zod";

const port = z.number().int().min(1).max(65_535);
const path = z.string().min(1).max(4_096).startsWith("/", "A path is absolute (starts with /).");

/** Each check's parameters as a step writes them (after placeholders such as {app.port} are filled in). */
export const CHECK_PARAMS = {
  /** Who listens on a TCP port on the host: pid and command line. */
  "port.owner": z.object({ port, expect: z.enum(["free", "held"]).default("free") }).strict(),
  /** GET a URL, or the app's readiness/liveness/metrics path on every instance; status, latency, body. */
  "http.probe": z
    .object({
      url: z
        .url({ protocol: /^https?$/ })
        .max(2_048)
        .optional(),
      target: z.enum(["app-readiness", "app-liveness", "app-metrics"]).optional(),
      /** "2xx", "3xx", "2xx-3xx" or one code such as 404. */
      expectStatus: z
        .union([z.enum(["2xx", "3xx", "2xx-3xx", "4xx", "5xx"]), z.number().int().min(100).max(599)])
        .default("2xx-3xx"),
      maxLatencyMs: z.number().int().min(1).max(120_000).optional(),
      /** A regular expression the body must match. */
      bodyMatch: z.string().min(1).max(200).optional(),
      timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
    })
    .strict()
    .refine(
      (params) => (params.url === undefined) !== (params.target === undefined),
      "Give either url or target, not both.",
    ),
  /** The app's containers on the host: status, exit code, OOM-killed, restart count, last log lines. */
  "container.state": z.object({ logLines: z.number().int().min(0).max(200).default(20) }).strict(),
  /** `nginx -t` on the host's nginx. */
  "nginx.test": z.object({}).strict(),
  /** The app's rendered upstream in nginx: its servers, or the placeholder that means "no healthy instance". */
  "nginx.upstream": z.object({}).strict(),
  /** The certificate served at host:port for a name: dates, issuer, names covered, chain, days left. */
  "tls.certificate": z
    .object({
      host: z.string().min(1).max(253).default("127.0.0.1"),
      port: port.default(443),
      serverName: z.string().min(1).max(253),
      minDaysLeft: z.number().int().min(0).max(365).default(14),
      /** A PEM bundle on the host to verify the chain against, instead of the system's roots. */
      caFile: path.optional(),
    })
    .strict(),
  /** Free space and inodes of the file system holding a path on the host. */
  "disk.space": z
    .object({
      path: path.default("/"),
      minFreePercent: z.number().min(0).max(100).default(10),
      minFreeInodesPercent: z.number().min(0).max(100).default(10),
    })
    .strict(),
  /**
   * A trivial query against a database: PostgreSQL or MySQL/MariaDB by URL (or the app's variable
   * holding it, filled in by the portal and never shown): a login and `SELECT version()`; an SQLite
   * file by path: its header only (the agent has no SQLite library).
   */
  "database.reachable": z
    .object({
      engine: z.enum(["postgresql", "mysql", "sqlite"]),
      url: z.string().min(1).max(2_048).optional(),
      /** The app variable or secret holding the URL, e.g. DATABASE_URL. */
      envVar: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/)
        .optional(),
      path: path.optional(),
      timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
    })
    .strict(),
  /** Resolve a name on the host. */
  "dns.resolve": z
    .object({ name: z.string().min(1).max(253), expectAddress: z.string().min(1).max(64).optional() })
    .strict(),
  /** Owner and mode of a path on the host or inside the app's container. */
  "path.permissions": z
    .object({
      path,
      where: z.enum(["host", "app-container"]).default("host"),
      /** A user name or numeric uid. */
      owner: z.string().min(1).max(64).optional(),
      /** Octal, e.g. "0644". */
      mode: z
        .string()
        .regex(/^0?[0-7]{3,4}$/)
        .optional(),
    })
    .strict(),
  /** Open-file limit and open files of the app's main process (or a pid on the host). */
  "process.fd-limit": z
    .object({ pid: z.number().int().min(1).optional(), minLimit: z.number().int().min(1).default(1_024) })
    .strict(),
  /** Memory and CPU of the app's containers against their limits. */
  "container.resources": z
    .object({
      maxMemoryPercent: z.number().min(1).max(100).default(90),
      maxCpuPercent: z.number().min(1).max(10_000).default(90),
    })
    .strict(),
  /** The app's recent deployments: the last change, and whether one failed or is stuck. */
  "deployments.recent": z.object({ count: z.number().int().min(1).max(50).default(5) }).strict(),
  /** The agent answers and its Docker engine too. */
  "agent.reachable": z.object({}).strict(),
  /** "Pushed but not deployed": last push, auto-deploy, live and registry digests (hooks/push-status.ts). */
  "image.status": z.object({}).strict(),
  /** An argument list (never a shell string) on the host or in the app's container. Admin-written runbooks only. */
  "command.run": z
    .object({
      argv: z.array(z.string().min(1).max(4_096)).min(1).max(64),
      where: z.enum(["host", "app-container"]).default("app-container"),
      timeoutSeconds: z.number().int().min(1).max(120).default(30),
      expectExitCode: z.number().int().min(0).max(255).default(0),
    })
    .strict(),
} as const;

export type CheckKind = keyof typeof CHECK_PARAMS;
export const CHECK_KINDS = Object.keys(CHECK_PARAMS) as [CheckKind, ...CheckKind[]];
export type CheckParams<K extends CheckKind> = z.output<(typeof CHECK_PARAMS)[K]>;

/** Where each check runs. Literal types (not a Record), so the agent's check kinds are a type too. */
export const CHECK_RUNS_ON = {
  "port.owner": "agent",
  "http.probe": "agent",
  "container.state": "agent",
  "nginx.test": "agent",
  "nginx.upstream": "agent",
  "tls.certificate": "agent",
  "disk.space": "agent",
  "database.reachable": "agent",
  "dns.resolve": "agent",
  "path.permissions": "agent",
  "process.fd-limit": "agent",
  "container.resources": "agent",
  "deployments.recent": "portal",
  "agent.reachable": "portal",
  "image.status": "portal",
  "command.run": "agent",
} as const satisfies Record<CheckKind, "agent" | "portal">;

/** Checks only an admin may write into a runbook (they run what the author says). */
export const ADMIN_ONLY_CHECKS: readonly CheckKind[] = ["command.run"];

export const CHECK_TITLES: Record<CheckKind, string> = {
  "port.owner": "Port in use, and by which process",
  "http.probe": "HTTP probe",
  "container.state": "Container state and last log lines",
  "nginx.test": "nginx configuration test",
  "nginx.upstream": "The app's nginx upstream",
  "tls.certificate": "TLS certificate served",
  "disk.space": "Disk space and inodes",
  "database.reachable": "Database reachable",
  "dns.resolve": "DNS resolution",
  "path.permissions": "Owner and mode of a path",
  "process.fd-limit": "Open-file limit",
  "container.resources": "Memory and CPU against limits",
  "deployments.recent": "Recent deployments",
  "agent.reachable": "Agent and Docker engine reachable",
  "image.status": "Pushed image against what runs",
  "command.run": "Run a command",
};

export const CHECK_OUTCOMES = ["pass", "fail", "error"] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];

/** Raw output kept per step run; longer output is cut with a note. */
export const CHECK_OUTPUT_MAX_BYTES = 64 * 1024;

export const checkResultSchema = z.object({
  /** pass: as expected; fail: the check ran and found the problem; error: the check itself could not run. */
  outcome: z.enum(CHECK_OUTCOMES),
  /** One line a person can act on, e.g. "port 8080 is held by pid 4242 (python3 -m http.server 8080)". */
  finding: z.string().min(1).max(1_000),
  output: z.string().max(CHECK_OUTPUT_MAX_BYTES),
  /** Structured facts for pages and tests (pid, exitCode, daysLeft, placeholder…), bounded. */
  facts: z.record(z.string(), z.unknown()).default({}),
  durationMs: z.number().int().min(0),
});
export type CheckResult = z.infer<typeof checkResultSchema>;
