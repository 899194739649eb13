// The portal's first team (the one setup made): where portal-wide settings are changed
// (PORTAL_ACTIONS in packages/shared, decision 045) and where single sign-on gives roles. Teams are
// never deleted, so once there is one the answer never changes and is kept per database client.
import type { Db } from "../db/client";

const known = new WeakMap<object, string>();

export async function portalTeamId(db: Db): Promise<string | null> {
  const cached = known.get(db);
  if (cached) return cached;
  const first = await db.team.findFirst({ orderBy: { createdAt: "asc" }, select: { id: true } });
  if (first) known.set(db, first.id);
  return first?.id ?? null;
}
