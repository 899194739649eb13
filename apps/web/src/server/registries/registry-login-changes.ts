// Adding, listing and removing a team's registry logins. The password is sealed with SECRET_KEY on
// the way in and never read here again: the only reader is loginForImage (registry-logins.ts), which
// opens it for the pull command that needs it. What this file returns carries no password, sealed
// or not, so no answer or audit entry built from it can leak one.
import type { addRegistryLoginInputSchema, RegistryLoginSummary } from "@wheelhouse/shared";
import type { z } from "zod";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

type AddRegistryLogin = z.output<typeof addRegistryLoginInputSchema>;

/** Past this a team is scripting something odd; a person has a handful of registries. */
const MAX_LOGINS_PER_TEAM = 100;

/** Only these columns are ever read for an answer: passwordSealed stays in the database. */
const SUMMARY_COLUMNS = { host: true, username: true, createdByEmail: true, updatedAt: true } as const;

function summary(row: { host: string; username: string; createdByEmail: string | null; updatedAt: Date }) {
  return {
    host: row.host,
    username: row.username,
    createdBy: row.createdByEmail,
    // A replaced login is a new login: "added" is when this user name and password were set.
    createdAt: row.updatedAt.toISOString(),
  } satisfies RegistryLoginSummary;
}

export async function listRegistryLogins(db: Db, teamId: string): Promise<RegistryLoginSummary[]> {
  const rows = await db.registryLogin.findMany({
    where: { teamId },
    select: SUMMARY_COLUMNS,
    orderBy: { host: "asc" },
  });
  return rows.map(summary);
}

/**
 * Saves the team's login for `input.host` (already parsed by addRegistryLoginInputSchema: lower
 * case, Docker Hub as docker.io). A team has one login per registry, so adding one for a host that
 * has one replaces it; `replaced` says so.
 */
export async function addRegistryLogin(
  services: { db: Db; secrets: SecretBox },
  teamId: string,
  actor: { id: string; email: string },
  input: AddRegistryLogin,
): Promise<{ login: RegistryLoginSummary; replaced: boolean }> {
  const { db, secrets } = services;
  const existing = await db.registryLogin.findUnique({
    where: { teamId_host: { teamId, host: input.host } },
    select: { id: true },
  });
  if (!existing && (await db.registryLogin.count({ where: { teamId } })) >= MAX_LOGINS_PER_TEAM) {
    throw new AppError("CONFLICT", `A team has at most ${MAX_LOGINS_PER_TEAM} registry logins; remove one first.`);
  }
  const fields = {
    username: input.username,
    passwordSealed: secrets.seal(input.password),
    createdById: actor.id,
    createdByEmail: actor.email,
  };
  const row = await db.registryLogin.upsert({
    where: { teamId_host: { teamId, host: input.host } },
    create: { teamId, host: input.host, ...fields },
    update: fields,
    select: SUMMARY_COLUMNS,
  });
  return { login: summary(row), replaced: existing !== null };
}

/** Removes the team's login for `host`; the next pull from that registry goes without one. */
export async function removeRegistryLogin(db: Db, teamId: string, host: string): Promise<RegistryLoginSummary> {
  const row = await db.registryLogin.findUnique({
    where: { teamId_host: { teamId, host } },
    select: { id: true, ...SUMMARY_COLUMNS },
  });
  if (!row) {
    throw new AppError("NOT_FOUND", `Your team has no registry login for ${host} (see GET /api/v1/registries).`);
  }
  await db.registryLogin.delete({ where: { id: row.id } });
  return summary(row);
}
