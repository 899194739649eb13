// The PostgreSQL variant of the one source schema (prisma/schema.prisma is written for SQLite).
// Used by generate.mjs (clients) and new-migration.ts (migrations), so both derive it the same way.
const SQLITE_PROVIDER = 'provider = "sqlite"';
const SQLITE_OUTPUT = 'output       = "../apps/web/src/server/db/generated/sqlite"';

/** @param {string} sqliteSchema @param {{ outputRelativeTo?: "source" | "generated" }} [options] */
export function postgresVariant(sqliteSchema, options = {}) {
  if (!sqliteSchema.includes(SQLITE_PROVIDER) || !sqliteSchema.includes(SQLITE_OUTPUT)) {
    throw new Error(
      "prisma/schema.prisma no longer has the datasource/generator lines that scripts/db/schema-variants.mjs rewrites",
    );
  }
  const output =
    options.outputRelativeTo === "generated"
      ? "../../../apps/web/src/server/db/generated/postgresql"
      : "../apps/web/src/server/db/generated/postgresql";
  return sqliteSchema
    .replace(SQLITE_PROVIDER, 'provider = "postgresql"')
    .replace(SQLITE_OUTPUT, `output       = "${output}"`);
}
