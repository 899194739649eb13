// Releases: immutable records of "this digest with this configuration". Numbers count up per app.
import type { Release } from "@wheelhouse/shared";
import type { AppRecord } from "../apps/app-record";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { snapshotConfig } from "./release-config";

interface ReleaseRow {
  id: string;
  number: number;
  imageRef: string;
  imageDigest: string;
  reason: string | null;
  createdByEmail: string | null;
  createdAt: Date;
}

export function toReleaseDto(row: ReleaseRow, liveReleaseId: string | null): Release {
  return {
    id: row.id,
    number: row.number,
    imageRef: row.imageRef,
    imageDigest: row.imageDigest,
    reason: row.reason,
    createdBy: row.createdByEmail,
    createdAt: row.createdAt.toISOString(),
    live: row.id === liveReleaseId,
  };
}

export async function liveReleaseId(db: Db, appId: string): Promise<string | null> {
  const live = await db.deployment.findFirst({ where: { appId, status: "Live" }, select: { releaseId: true } });
  return live?.releaseId ?? null;
}

export async function listReleases(db: Db, app: AppRecord): Promise<Release[]> {
  const [rows, live] = await Promise.all([
    db.release.findMany({ where: { appId: app.id }, orderBy: { number: "desc" } }),
    liveReleaseId(db, app.id),
  ]);
  return rows.map((row) => toReleaseDto(row, live));
}

export async function findRelease(db: Db, app: AppRecord, number: number) {
  const release = await db.release.findUnique({ where: { appId_number: { appId: app.id, number } } });
  if (!release) {
    throw new AppError(
      "NOT_FOUND",
      `${app.name} has no release ${number}. See its releases with \`wheelhouse releases ${app.name}\`.`,
    );
  }
  return release;
}

/**
 * Creates the next release. The number comes from a unique (appId, number) constraint: two
 * concurrent creations cannot share one, the loser retries.
 */
export async function createRelease(
  db: Db,
  app: AppRecord,
  fields: {
    imageRef: string;
    imageDigest: string;
    reason: string | null;
    createdBy: { id: string | null; email: string } | null;
  },
) {
  for (let attempt = 0; ; attempt += 1) {
    const last = await db.release.findFirst({ where: { appId: app.id }, orderBy: { number: "desc" } });
    try {
      return await db.release.create({
        data: {
          appId: app.id,
          number: (last?.number ?? 0) + 1,
          imageRef: fields.imageRef,
          imageDigest: fields.imageDigest,
          config: JSON.stringify(snapshotConfig(app)),
          reason: fields.reason,
          createdById: fields.createdBy?.id ?? null,
          createdByEmail: fields.createdBy?.email ?? null,
        },
      });
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== "P2002") throw error;
    }
  }
}
