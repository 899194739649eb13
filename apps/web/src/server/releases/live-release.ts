// The rules about the live release that decide whether a rollback, restart or scale makes sense.
import type { AppRecord } from "../apps/app-record";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { liveReleaseId } from "./releases";

/** The live release's id; an app that never went live has nothing to restart or scale. */
export async function requireLiveRelease(db: Db, app: AppRecord, verb: "restart" | "scale"): Promise<string> {
  const live = await liveReleaseId(db, app.id);
  if (!live) throw new AppError("CONFLICT", `${app.name} has no live release to ${verb}. Deploy it first.`);
  return live;
}

/** Rolling back to what already serves would replace every instance for nothing. */
export async function refuseIfLive(db: Db, app: AppRecord, release: { id: string; number: number }): Promise<void> {
  if ((await liveReleaseId(db, app.id)) === release.id) {
    throw new AppError("CONFLICT", `Release ${release.number} is already live.`);
  }
}
