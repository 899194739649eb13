// Password hashing: Argon2id (the OWASP first choice), via @node-rs/argon2's prebuilt binaries.
import { hash, verify } from "@node-rs/argon2";

// OWASP's minimum for Argon2id: 19 MiB memory, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash verifies nothing; the caller reports a failed sign-in.
    return false;
  }
}

/** Verified against when the email is unknown, so a missing account takes as long as a wrong password. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword("wheelhouse-decoy-password");
  return decoy;
}
