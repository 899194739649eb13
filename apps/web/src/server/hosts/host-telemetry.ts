// What the portal keeps of an agent's reports: facts on hello, samples on heartbeats (a bounded
// window), last-seen times written at most every few seconds per host.
import type { HostFacts, MetricsSample } from "@wheelhouse/shared";
import type { Db } from "../db/client";

/** Samples older than this are deleted: the host page charts the last hour. */
export const SAMPLE_RETENTION_MS = 60 * 60 * 1000;

export async function recordHello(
  db: Db,
  hostId: string,
  version: string,
  facts: HostFacts,
  dockerError: string | null,
) {
  const now = new Date();
  await db.host.update({
    where: { id: hostId },
    data: { agentVersion: version, facts: JSON.stringify(facts), dockerError, connectedAt: now, lastSeenAt: now },
  });
}

export async function recordSample(db: Db, hostId: string, sample: MetricsSample) {
  await db.$transaction([
    db.hostMetricSample.create({
      data: {
        hostId,
        at: new Date(sample.at),
        cpuPercent: sample.cpuPercent,
        memoryUsedBytes: BigInt(sample.memoryUsedBytes),
        memoryTotal: BigInt(sample.memoryTotalBytes),
        diskUsedBytes: BigInt(sample.diskUsedBytes),
        diskTotal: BigInt(sample.diskTotalBytes),
      },
    }),
    db.host.update({ where: { id: hostId }, data: { lastSeenAt: new Date() } }),
  ]);
}

export async function recordDisconnect(db: Db, hostId: string) {
  await db.host.updateMany({ where: { id: hostId }, data: { connectedAt: null, lastSeenAt: new Date() } });
}

export async function pruneSamples(db: Db, now = Date.now()) {
  await db.hostMetricSample.deleteMany({ where: { at: { lt: new Date(now - SAMPLE_RETENTION_MS) } } });
}

/** The engine came or went: keep the host's facts and its error in step. */
export async function recordDockerStatus(db: Db, hostId: string, version: string | null, error: string | null) {
  const host = await db.host.findUnique({ where: { id: hostId } });
  if (!host) return;
  const facts = JSON.parse(host.facts) as Partial<HostFacts>;
  await db.host.update({
    where: { id: hostId },
    data: { dockerError: error, facts: JSON.stringify({ ...facts, dockerVersion: version }) },
  });
}
