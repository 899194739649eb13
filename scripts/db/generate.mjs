// Generates the two Prisma clients (SQLite and PostgreSQL) from the one source schema.
// Why two: Prisma fixes the provider per schema (docs/decisions/002-two-databases-one-schema.md).
// Runs offline: `prisma generate` only needs PRISMA_SCHEMA_ENGINE_BINARY to name an existing file;
// it never runs it, and without it the CLI tries to download an engine this machine cannot fetch.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { postgresVariant } from "./schema-variants.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const source = join(root, "prisma", "schema.prisma");
const prismaCli = join(root, "node_modules", "prisma", "build", "index.js");

if (!existsSync(prismaCli)) {
  // `npm install` of a workspace subset may run this before prisma is installed; nothing to do yet.
  console.log("db:generate: prisma is not installed yet, skipping");
  process.exit(0);
}

const postgresSchema = postgresVariant(readFileSync(source, "utf8"), { outputRelativeTo: "generated" });
const postgresPath = join(root, "prisma", "generated", "postgresql", "schema.prisma");
mkdirSync(dirname(postgresPath), { recursive: true });
writeFileSync(
  postgresPath,
  `// GENERATED from prisma/schema.prisma by scripts/db/generate.mjs — edit the source instead.\n${postgresSchema}`,
);

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
for (const schema of [source, postgresPath]) {
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], { env, stdio: "inherit", cwd: root });
}
