// A throw-away MariaDB server on a loopback port, for the checks that log in to MySQL. Debian's
// `mariadb-server` package provides the binaries (scripts/system/ensure-debian-packages.sh test);
// its service is never started. The data directory lives in a temp dir; when we are root the server
// runs as root (`--user=root`), which MariaDB otherwise refuses. One user with a password is made
// through the server's socket (root logs in there by socket authentication, never over TCP).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/free-port.ts";
import { waitFor } from "./wait-for.ts";

export interface MariaDbServer {
  /** `mysql://USER:PASSWORD@127.0.0.1:PORT/DATABASE` for the user made at start. */
  url: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** What `SELECT VERSION()` answers, e.g. 10.11.19-MariaDB-0+deb12u1. */
  version: string;
  stop(): Promise<void>;
}

function binary(names: string[]): string {
  for (const name of names) {
    for (const dir of ["/usr/sbin", "/usr/bin"]) if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(
    `MariaDB is not installed (no ${names.join(" or ")}): run \`apt-get install --no-install-recommends mariadb-server\` (scripts/system/ensure-debian-packages.sh test does).`,
  );
}

export async function startMariaDb({
  user = "wheelhouse",
  password = "maria-test-secret",
  database = "app",
}: {
  user?: string;
  password?: string;
  database?: string;
} = {}): Promise<MariaDbServer> {
  const server = binary(["mariadbd", "mysqld"]);
  const installDb = binary(["mariadb-install-db", "mysql_install_db"]);
  const client = binary(["mariadb", "mysql"]);
  const dir = mkdtempSync(join(tmpdir(), "wheelhouse-mariadb-"));
  const dataDir = join(dir, "data");
  const socket = join(dir, "mysqld.sock");
  const log = join(dir, "server.log");
  const runAs = userInfo().username;
  // Small redo log and buffer pool: the default 96 MB log file is most of a fresh data dir.
  const sizes = ["--innodb-log-file-size=4M", "--innodb-buffer-pool-size=16M"];

  const install = spawnSync(
    installDb,
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      `--user=${runAs}`,
      "--auth-root-authentication-method=socket",
      "--skip-test-db",
      ...sizes,
    ],
    { encoding: "utf8" },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${installDb} failed:\n${install.stdout}\n${install.stderr}`);
  }

  const port = await freePort();
  const child: ChildProcess = spawn(
    server,
    [
      "--no-defaults",
      `--user=${runAs}`,
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${join(dir, "mysqld.pid")}`,
      `--log-error=${log}`,
      "--skip-log-bin",
      "--skip-name-resolve",
      ...sizes,
    ],
    { stdio: "ignore" },
  );
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `mariadbd exited (${signal ?? code})`;
  });

  const sql = (statements: string) =>
    spawnSync(
      client,
      ["--no-defaults", `--socket=${socket}`, "--user=root", "--batch", "--skip-column-names", "-e", statements],
      {
        encoding: "utf8",
      },
    );
  const stop = async () => {
    if (exited === undefined) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (exited === undefined) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const version = await waitFor(() => sql("SELECT VERSION()"), {
      what: `MariaDB answering on ${socket}`,
      timeoutMs: 30_000,
      until: (result) => result.status === 0,
      giveUpIf: () => (exited ? `${exited}:\n${existsSync(log) ? readFileSync(log, "utf8") : ""}` : undefined),
    }).then((result) => result.stdout.trim());
    // 'user'@'%': the server skips name resolution, so a TCP login from 127.0.0.1 matches '%'.
    const made = sql(
      `CREATE DATABASE \`${database}\`; CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON \`${database}\`.* TO '${user}'@'%';`,
    );
    if (made.status !== 0) throw new Error(`Creating the test user failed: ${made.stderr}`);
    return {
      url: `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
      port,
      user,
      password,
      database,
      version,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
