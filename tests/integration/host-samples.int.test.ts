// Heartbeat samples as stored, on the real database (SQLite or PostgreSQL, as the suite runs):
// SampleWriter passes times as ISO strings and byte counts as numbers (host-telemetry.ts says why),
// and what is read back must be the same instants and the same exact byte counts, past 2^32.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../apps/web/src/server/db/client.ts";
import { SampleWriter } from "../../apps/web/src/server/hosts/host-telemetry.ts";
import { setUpAdmin } from "../support/api-client.ts";
import { type Portal, startPortal } from "../support/portal.ts";

let portal: Portal;
let db: Db;
const hostIds: string[] = [];

beforeAll(async () => {
  // The portal creates the database and applies the migrations; the test then writes to it directly.
  portal = await startPortal();
  await setUpAdmin(portal.url);
  const url = portal.databaseUrl;
  db = createDb(
    url.startsWith("file:") ? { kind: "sqlite", file: url.slice("file:".length), url } : { kind: "postgresql", url },
  );
  const team = await db.team.findFirstOrThrow();
  for (const name of ["samples-a", "samples-b", "samples-c"]) {
    hostIds.push((await db.host.create({ data: { teamId: team.id, name } })).id);
  }
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  await portal?.stop();
});

describe("SampleWriter", () => {
  it("stores each host's newest sample with exact times and byte counts, flush after flush", async () => {
    const errors: unknown[] = [];
    const writer = new SampleWriter(db, (error) => errors.push(error), 60_000);
    const TIB = 1024 ** 4;
    const at = (second: number) => Date.UTC(2026, 10, 29, 12, 0, second, 123);
    for (let round = 0; round < 3; round += 1) {
      for (const [i, hostId] of hostIds.entries()) {
        // An older sample first: only the newest per host is kept until the flush.
        writer.add(hostId, {
          at: at(round * 10),
          cpuPercent: 1,
          memoryUsedBytes: 1,
          memoryTotalBytes: 1,
          diskUsedBytes: 1,
          diskTotalBytes: 1,
        });
        writer.add(hostId, {
          at: at(round * 10 + i + 1),
          cpuPercent: 12.5 + i,
          memoryUsedBytes: 3 * 1024 ** 3 + round,
          memoryTotalBytes: 16 * 1024 ** 3,
          diskUsedBytes: 5 * TIB + 7 + round,
          diskTotalBytes: 2 ** 53 - 1,
        });
      }
      await writer.flush();
    }
    await writer.close();
    expect(errors).toEqual([]);

    const rows = await db.hostMetricSample.findMany({ where: { hostId: { in: hostIds } }, orderBy: [{ at: "asc" }] });
    expect(rows).toHaveLength(9);
    for (const [round, i] of [0, 1, 2].flatMap((r) => [0, 1, 2].map((h) => [r, h] as const))) {
      const row = rows.find((r) => r.hostId === hostIds[i] && r.at.getTime() === at(round * 10 + i + 1));
      expect(row, `round ${round}, host ${i}`).toBeDefined();
      expect(row?.cpuPercent).toBe(12.5 + i);
      expect(row?.memoryUsedBytes).toBe(BigInt(3 * 1024 ** 3 + round));
      expect(row?.memoryTotal).toBe(BigInt(16 * 1024 ** 3));
      expect(row?.diskUsedBytes).toBe(BigInt(5 * TIB + 7 + round));
      expect(row?.diskTotal).toBe(BigInt(2 ** 53 - 1));
    }
    const hosts = await db.host.findMany({ where: { id: { in: hostIds } } });
    expect(hosts.every((host) => host.lastSeenAt instanceof Date)).toBe(true);
  });
});
