// Who serves a domain is the database's to decide: AppDomain's key is the domain
// (docs/decisions/023-app-lists-as-tables.md), so of two requests racing for one domain exactly one
// insert succeeds. The loser gets Prisma's unique-violation error (P2002); this turns it into the
// sentence a person can act on, by looking up who holds the domain after the failure.
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

/** Rows for a list, keeping the order the user gave. */
export function domainRows(domains: string[]): { domain: string; position: number }[] {
  return domains.map((domain, position) => ({ domain, position }));
}

export function hostRows(hostIds: string[]): { hostId: string; position: number }[] {
  return hostIds.map((hostId, position) => ({ hostId, position }));
}

/** A list naming one domain twice would collide with itself; say so before the database does. */
export function assertListedOnce(domains: string[]): void {
  const repeated = domains.find((domain, index) => domains.indexOf(domain) !== index);
  if (repeated) throw new AppError("BAD_INPUT", `${repeated} is listed twice.`);
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

/**
 * After a unique violation while writing an app's domains: the sentence naming the app that holds
 * one of them, or null when none of them is held by another app (the violation was something else).
 * `appId` is the app being written, null while it is being created. An app of another team is not
 * named: the domain is unique across teams, so the conflict itself cannot be hidden, but nothing of
 * that team is said beyond it.
 */
export async function domainTakenError(
  db: Db,
  teamId: string,
  domains: string[],
  appId: string | null,
): Promise<AppError | null> {
  if (domains.length === 0) return null;
  const held = await db.appDomain.findMany({
    where: { domain: { in: domains }, ...(appId ? { appId: { not: appId } } : {}) },
    select: { domain: true, app: { select: { name: true, teamId: true } } },
  });
  // The first domain in the user's order, so the same request always gets the same sentence.
  const taken = domains.map((domain) => held.find((row) => row.domain === domain)).find(Boolean);
  if (!taken) return null;
  const holder = taken.app.teamId === teamId ? `the app ${taken.app.name}` : "an app of another team";
  return new AppError("CONFLICT", `${taken.domain} is already served by ${holder}.`);
}
