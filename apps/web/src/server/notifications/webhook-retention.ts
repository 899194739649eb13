// The delivery log is for answering "did the receiver get it, and what did it say": a month of it
// is kept, then finished deliveries (delivered, or given up after the 24-hour retry window) go with
// their attempts, so a busy team's table does not grow for ever. Pending ones are never pruned.
import type { Db } from "../db/client";
import type { Logger } from "../logging/logger";
import { PeriodicPass } from "../scheduling/periodic-pass";

export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** Per statement: a year of backlog goes over a few passes without one long write lock. */
const BATCH = 1_000;

/** One pass: deletes finished deliveries older than the retention, in batches; returns how many. */
export async function pruneDeliveries(db: Db, now = new Date(), batches = 10): Promise<number> {
  const before = new Date(now.getTime() - DELIVERY_RETENTION_MS);
  let pruned = 0;
  for (let batch = 0; batch < batches; batch += 1) {
    const old = await db.webhookDelivery.findMany({
      where: { status: { in: ["delivered", "failed"] }, createdAt: { lt: before } },
      select: { id: true },
      orderBy: { createdAt: "asc" },
      take: BATCH,
    });
    if (old.length === 0) break;
    // Attempts go with their delivery (onDelete: Cascade).
    const { count } = await db.webhookDelivery.deleteMany({ where: { id: { in: old.map((row) => row.id) } } });
    pruned += count;
    if (old.length < BATCH) break;
  }
  return pruned;
}

export class WebhookRetention {
  private readonly periodic: PeriodicPass;

  constructor(db: Db, logger: Pick<Logger, "error">) {
    this.periodic = new PeriodicPass(() => pruneDeliveries(db), "prune old webhook deliveries", logger);
  }

  start(intervalMs = PRUNE_EVERY_MS): void {
    this.periodic.start(intervalMs);
  }

  stop(): void {
    this.periodic.stop();
  }
}
