// What a person's authenticator app does, for tests: the current TOTP code of a secret, never one of
// a time step the portal already saw from that person (it refuses those as replays), and the aging
// of a session's last proof through the database (the one thing a person cannot do in the portal).
import { generate } from "otplib";
import { sql } from "./database.ts";

const PERIOD_MS = 30_000;

/** The Base32 secret the Account page shows grouped in fours. */
export function plainSecret(shown: string): string {
  return shown.replace(/\s/g, "");
}

async function lastStepOf(databaseUrl: string, email: string): Promise<number> {
  const rows = await sql<{ lastStep: number | null }>(
    databaseUrl,
    `SELECT f."lastStep" AS "lastStep" FROM "SecondFactor" f JOIN "User" u ON u.id = f."userId" WHERE u.email = $1`,
    [email],
  );
  return rows[0]?.lastStep == null ? -1 : Number(rows[0].lastStep);
}

/**
 * A code the portal accepts now: of the current step, or of the next one (the portal allows one step
 * of drift) when the current one was used; waits for the clock when both were.
 */
export async function freshCode(databaseUrl: string, email: string, secret: string): Promise<string> {
  const last = await lastStepOf(databaseUrl, email);
  for (;;) {
    const now = Math.floor(Date.now() / PERIOD_MS);
    const step = Math.max(last + 1, now);
    if (step <= now + 1) return generate({ secret: plainSecret(secret), epoch: (step * PERIOD_MS) / 1000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Moves every session of the person's last second-factor proof `minutes` into the past. */
export async function ageSecondFactorProof(databaseUrl: string, email: string, minutes: number): Promise<void> {
  const past = Date.now() - minutes * 60_000;
  await sql(
    databaseUrl,
    `UPDATE "Session" SET "secondFactorAt" = $1 WHERE "userId" = (SELECT id FROM "User" WHERE email = $2)`,
    [databaseUrl.startsWith("file:") ? past : new Date(past), email],
  );
}
