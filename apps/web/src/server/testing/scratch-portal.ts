// What the portal's unit tests share: a scratch SQLite database with every migration applied, the
// metrics and agent registry a portal would have (with no agent connected), and a team with one
// host and an app on it. Only tests import this folder.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { domainRows, hostRows } from "../apps/app-domains";
import { appInclude, toAppRecord } from "../apps/app-record";
import { createDb, type Db } from "../db/client";
import { applyMigrations } from "../db/migrations/apply-migrations";
import { AgentRegistry } from "../hosts/agent-registry";
import type { Logger } from "../logging/logger";
import { createMetrics } from "../metrics/registry";
import type { NotifyServices } from "../notifications/notify";
import { createNotifier, type Notifier } from "../notifications/notify";

export interface ScratchDatabase {
  db: Db;
  /** Disconnects and deletes the database's folder. */
  dispose(): Promise<void>;
}

/** A fresh SQLite database in a temporary folder, migrated like a portal's at start-up. */
export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `wh-${prefix}-`));
  const file = join(dir, "portal.sqlite");
  await applyMigrations({ kind: "sqlite", file, url: `file:${file}` });
  const db = createDb({ kind: "sqlite", file, url: `file:${file}` });
  return {
    db,
    async dispose() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A portal's metrics and an agent registry with no agent connected (none can run in a unit test). */
export function registryWithoutAgents() {
  const metrics = createMetrics({
    countActiveSessions: async () => 0,
    countConnectedAgents: () => 0,
    countInstancesByStatus: async () => ({}),
    countOpenIncidentsBySeverity: async () => ({}),
    certificateFacts: async () => ({ byStatus: {}, expiries: [] }),
  });
  return { metrics, agents: new AgentRegistry(metrics) };
}

/** The portal's own notifier on the scratch database: with no webhook configured it queues nothing. */
export function scratchNotifier(db: Db, events: NotifyServices["events"], logger: Logger): Notifier {
  return createNotifier({ db, events, logger, config: { publicUrl: "http://127.0.0.1:3000" } });
}

/** A new team with one host and an app on it; `domains` makes a switch go through nginx. */
export async function teamWithApp(db: Db, options: { replicas?: number; domains?: string[] } = {}) {
  const suffix = randomBytes(4).toString("hex");
  const team = await db.team.create({ data: { name: `Team ${suffix}`, slug: `team-${suffix}` } });
  const host = await db.host.create({ data: { teamId: team.id, name: `host-${suffix}` } });
  const row = await db.app.create({
    data: {
      teamId: team.id,
      name: `app-${suffix}`,
      environment: "staging",
      image: "example/app:1",
      port: 8080,
      healthPath: "/health",
      healthTimeoutSeconds: 5,
      replicas: options.replicas ?? 1,
      network: "published",
      restartPolicy: "unless-stopped",
      hosts: { create: hostRows([host.id]) },
      domains: { create: domainRows(options.domains ?? []) },
    },
    include: appInclude,
  });
  return { team, host, app: toAppRecord(row) };
}
