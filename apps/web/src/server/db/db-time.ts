// Times written through Prisma on hot paths go as ISO strings, not Date objects. Prisma 7's query
// plan cache takes a Date (or a BigInt) as part of a query's shape instead of a parameter, so every
// new time compiled a new plan on the event loop and added it to the cache (up to 1,000 plans; one
// for a 250-row insert is about 1 MB). The database stores the same instant either way
// (tests/integration/host-samples.int.test.ts reads it back on SQLite and PostgreSQL).

/** `date` (default: now) as Prisma should be given it on a hot path. */
export function dbTime(date: Date | number = Date.now()): string {
  return new Date(date).toISOString();
}
