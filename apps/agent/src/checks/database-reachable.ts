// database.reachable (seed sections "database connection failed", "migration failure"): from this
// host, PostgreSQL and MySQL/MariaDB get a real login and `SELECT version()` through the pg and
// mysql2 clients (pure JavaScript, loaded only when the check runs); an SQLite file only a header
// check, because the agent bundles no SQLite library (the finding says so). The URL may hold a
// password: it is never echoed; findings and output name the redacted URL only, and driver
// messages are scrubbed of it.
import { open } from "node:fs/promises";
import type { CheckParams } from "@wheelhouse/shared";
import type { RowDataPacket } from "mysql2/promise";
import { type CheckContext, type CheckDraft, errorCode, messageOf } from "./check-result";

type Params = CheckParams<"database.reachable">;

/** The URL with its password (and any password-like query value) replaced, for findings. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "(a URL that does not parse)";
  }
  if (url.password) url.password = "***";
  for (const key of [...url.searchParams.keys()])
    if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, "***");
  return url.toString();
}

/** Removes every occurrence of the URL's password from a message a driver wrote. */
function scrub(text: string, raw: string): string {
  let password = "";
  try {
    password = decodeURIComponent(new URL(raw).password);
  } catch {
    return text;
  }
  return password.length > 0 ? text.split(password).join("***") : text;
}

/** Network failures in words that say where to look. */
function reachWords(error: unknown, where: string): string | null {
  const code = errorCode(error);
  if (code === "ECONNREFUSED") return `nothing listens at ${where}: the database is down or on another port`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `${where.split(":")[0]} does not resolve on this host (a name that only the app's Docker network knows does not resolve here)`;
  if (code === "ETIMEDOUT" || code === "EHOSTUNREACH") return `${where} does not answer: a firewall or a wrong address`;
  return null;
}

async function postgres(params: Params, raw: string): Promise<CheckDraft> {
  const redacted = redactUrl(raw);
  const url = new URL(raw);
  const where = `${url.hostname}:${url.port || "5432"}`;
  // Loaded when this check runs, not at agent start: most agents never run it.
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString: raw,
    connectionTimeoutMillis: params.timeoutMs,
    query_timeout: params.timeoutMs,
  });
  // A connection the server drops later must not become an unhandled error of the agent.
  client.on("error", () => undefined);
  let connected = false;
  try {
    await client.connect();
    connected = true;
    const started = performance.now();
    const result = await client.query<{ version: string }>("SELECT version() AS version");
    const ms = Math.round(performance.now() - started);
    const version = result.rows[0]?.version ?? "?";
    return {
      outcome: "pass",
      finding: `PostgreSQL at ${where} accepts the login and answered a query in ${ms} ms: ${version.split(" on ")[0]}`,
      output: `${redacted}\n${version}`,
      facts: { engine: "postgresql", url: redacted, version, queryMs: ms },
    };
  } catch (error) {
    const words =
      reachWords(error, where) ??
      `PostgreSQL at ${where} refused: ${scrub(messageOf(error), raw)}${(error as { code?: string }).code ? ` (${(error as { code?: string }).code})` : ""}`;
    return { outcome: "fail", finding: words, output: redacted, facts: { engine: "postgresql", url: redacted } };
  } finally {
    // A failed connect has closed its socket already; only an open session is ended.
    if (connected) await client.end();
  }
}

/**
 * TLS for a MySQL URL from the query parameters apps use: mysql2's `ssl` (true or a JSON object),
 * `sslmode` (DISABLED/PREFERRED plain; REQUIRED encrypts without verifying; VERIFY_CA and
 * VERIFY_IDENTITY verify) and Prisma's `sslaccept` (strict verifies, accept_invalid_certs does not).
 * Other parameters (connection_limit, charset…) do not matter to one query and are not passed on.
 */
export function mysqlTls(url: URL): { rejectUnauthorized: boolean } | undefined {
  const ssl = url.searchParams.get("ssl");
  const mode = url.searchParams.get("sslmode")?.toLowerCase().replace(/-/g, "_");
  const accept = url.searchParams.get("sslaccept")?.toLowerCase();
  if (accept) return { rejectUnauthorized: accept !== "accept_invalid_certs" };
  if (mode === "required" || mode === "require") return { rejectUnauthorized: false };
  if (mode === "verify_ca" || mode === "verify_identity" || mode === "verify_full") return { rejectUnauthorized: true };
  if (ssl === null || ssl === "" || ssl === "false" || ssl === "0") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(ssl);
  } catch {
    parsed = ssl;
  }
  const lax = typeof parsed === "object" && parsed !== null && "rejectUnauthorized" in parsed;
  return { rejectUnauthorized: !(lax && (parsed as { rejectUnauthorized: unknown }).rejectUnauthorized === false) };
}

async function mysql(params: Params, raw: string): Promise<CheckDraft> {
  const redacted = redactUrl(raw);
  const url = new URL(raw);
  const where = `${url.hostname}:${url.port || "3306"}`;
  const user = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.slice(1));
  const target = `${where}${database ? `/${database}` : ""}`;
  // Loaded when this check runs, not at agent start: most agents never run it.
  // `default` (the CommonJS module itself): in the agent's bundle, esbuild's ESM output puts the
  // module's names there only.
  const { createConnection } = (await import("mysql2/promise")).default;
  let connection: Awaited<ReturnType<typeof createConnection>> | undefined;
  try {
    connection = await createConnection({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 3306),
      user: user || undefined,
      password: decodeURIComponent(url.password) || undefined,
      database: database || undefined,
      ssl: mysqlTls(url),
      connectTimeout: params.timeoutMs,
    });
    // A connection the server drops later must not become an unhandled error of the agent.
    connection.on("error", () => undefined);
    const started = performance.now();
    const [rows] = await connection.query<({ version: string } & RowDataPacket)[]>({
      sql: "SELECT VERSION() AS version",
      timeout: params.timeoutMs,
    });
    const ms = Math.round(performance.now() - started);
    const version = rows[0]?.version ?? "?";
    return {
      outcome: "pass",
      finding: `MySQL at ${target} accepts the login${user ? ` of ${user}` : ""} and answered a query in ${ms} ms: ${version}`,
      output: `${redacted}\n${version}`,
      facts: { engine: "mysql", url: redacted, version, queryMs: ms },
    };
  } catch (error) {
    const code = errorCode(error);
    const words =
      reachWords(error, where) ??
      `MySQL at ${target} refused: ${scrub(messageOf(error), raw)}${code ? ` (${code})` : ""}`;
    return { outcome: "fail", finding: words, output: redacted, facts: { engine: "mysql", url: redacted } };
  } finally {
    // A failed connect has closed its socket already; only an open session is ended.
    if (connection) await connection.end().catch(() => connection?.destroy());
  }
}

const SQLITE_MAGIC = "SQLite format 3\0";

/** The header facts of an SQLite 3 file (its first 100 bytes), or why it is not one. */
export function parseSqliteHeader(
  header: Buffer,
  fileSize: number,
): { pageSize: number; pages: number } | { problem: string } {
  if (header.length < 100 || header.subarray(0, 16).toString("latin1") !== SQLITE_MAGIC)
    return { problem: 'is not an SQLite 3 database (its header does not start with "SQLite format 3")' };
  const raw = header.readUInt16BE(16);
  // The page size is stored as 1 for 65536, which does not fit in two bytes.
  const pageSize = raw === 1 ? 65_536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return { problem: `has an impossible page size ${raw}` };
  if (fileSize % pageSize !== 0)
    return { problem: `is ${fileSize} bytes, not a whole number of ${pageSize}-byte pages: truncated?` };
  return { pageSize, pages: fileSize / pageSize };
}

async function sqlite(path: string): Promise<CheckDraft> {
  const note = "header read only: the agent has no SQLite library to run a query";
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = errorCode(error);
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES"
          ? "cannot be read (permission denied)"
          : messageOf(error);
    return { outcome: "fail", finding: `the SQLite file ${path} ${why}`, facts: { engine: "sqlite", path } };
  }
  try {
    const header = Buffer.alloc(100);
    await handle.read(header, 0, 100, 0);
    const size = (await handle.stat()).size;
    const parsed = parseSqliteHeader(header, size);
    if ("problem" in parsed)
      return { outcome: "fail", finding: `${path} ${parsed.problem}`, facts: { engine: "sqlite", path, size } };
    return {
      outcome: "pass",
      finding: `${path} is an SQLite 3 database of ${parsed.pages} pages of ${parsed.pageSize} bytes (${note})`,
      facts: { engine: "sqlite", path, size, ...parsed },
    };
  } finally {
    await handle.close();
  }
}

export async function databaseReachable(_context: CheckContext, params: Params): Promise<CheckDraft> {
  if (params.engine === "sqlite") {
    if (!params.path) throw new Error("An SQLite check names the database file (path).");
    return sqlite(params.path);
  }
  // The portal puts the URL of envVar into url before sending; the variable's name alone is no use here.
  if (!params.url)
    throw new Error(`A ${params.engine} check needs the database URL (url, or envVar naming the app's variable).`);
  let protocol: string;
  try {
    protocol = new URL(params.url).protocol;
  } catch {
    throw new Error(`The database URL does not parse (${redactUrl(params.url)}).`);
  }
  if (params.engine === "postgresql") {
    if (protocol !== "postgres:" && protocol !== "postgresql:")
      throw new Error(`A PostgreSQL URL starts with postgres:// or postgresql://, not ${protocol}//.`);
    return postgres(params, params.url);
  }
  if (protocol !== "mysql:" && protocol !== "mariadb:")
    throw new Error(`A MySQL URL starts with mysql://, not ${protocol}//.`);
  return mysql(params, params.url);
}
