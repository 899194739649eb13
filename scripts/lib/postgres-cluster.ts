// A throw-away PostgreSQL cluster on a loopback port, for tests and for generating migrations.
// PostgreSQL refuses to run as root, so when we are root the cluster belongs to the `postgres` user
// (created by Debian's package) and every server command runs through `runuser`.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` — superuser, trust authentication on loopback. */
  url: string;
  port: number;
  stop(): void;
  /** Stops the server but keeps its data, so `start()` can bring the same cluster back. */
  pause(): void;
  start(): void;
}

function postgresBinDir(): string {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) {
    throw new Error("PostgreSQL is not installed: run `apt-get install postgresql` (npm test does this as root).");
  }
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (!newest) throw new Error(`No PostgreSQL server binaries under ${base}.`);
  return join(base, newest, "bin");
}

/** `settings`: extra server settings (`name=value`), e.g. autovacuum=off for a test that fills a disk. */
export async function startPostgresCluster({ settings = [] }: { settings?: string[] } = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", join(bin, command), ...args]]
      : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    }
  };
  const dir = mkdtempSync(join(tmpdir(), "wheelhouse-pg-"));
  chmodSync(dir, 0o700);
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, "data");
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const extra = settings.map((setting) => ` -c ${setting}`).join("");
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200${extra}`;
  const start = () => run("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dir, "server.log"), "-w", "start"]);
  const pause = () => run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
  start();
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    pause,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        pause();
      } catch {
        // Already stopped (a test paused it): the directory removal below is what matters.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
