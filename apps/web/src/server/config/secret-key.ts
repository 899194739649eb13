// The key that encrypts secrets at rest: SECRET_KEY, or a key generated once into DATA_DIR.
// Losing the generated file means losing every stored secret, so it is written once, 0600, and
// never replaced.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SECRET_KEY_FILE = "secret.key";

export function loadSecretKey(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) return Buffer.from(fromEnv, "hex");
  const path = join(dataDir, SECRET_KEY_FILE);
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8").trim();
    if (!/^[0-9a-f]{64}$/.test(text)) {
      throw new Error(`${path} does not hold 64 hex characters. Restore it from a backup, or set SECRET_KEY.`);
    }
    return Buffer.from(text, "hex");
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // flag "wx": never overwrite a key another portal wrote a moment ago.
  try {
    writeFileSync(path, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadSecretKey(dataDir, undefined);
    throw error;
  }
  return key;
}
