// Reads the Prisma-format migration folders of one provider: prisma/migrations/<provider>/<name>/migration.sql.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 of migration.sql, hex: the value Prisma stores, so `prisma migrate status` agrees. */
  checksum: string;
}

export const MIGRATIONS_ROOT = fileURLToPath(new URL("../../../../../../prisma/migrations", import.meta.url));

export function readMigrations(provider: "sqlite" | "postgresql", root = MIGRATIONS_ROOT): MigrationFile[] {
  const dir = join(root, provider);
  if (!existsSync(dir)) throw new Error(`No migrations folder at ${dir}.`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}
