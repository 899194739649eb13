// The host checks against the real thing: a stray node process holding a port, certificates made
// with openssl and served by a real TLS server, the host's disk, resolver, files and processes, and
// PostgreSQL when the suite runs with its cluster (WHEELHOUSE_TEST_DB=postgres).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { promisify } from "node:util";
import type { AgentCheck, CheckAppContext, CheckResult } from "@wheelhouse/shared";
import Database from "better-sqlite3";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../../scripts/lib/free-port.ts";
import { type MariaDbServer, startMariaDb } from "../../../../tests/support/mariadb.ts";
import { waitFor } from "../../../../tests/support/wait-for.ts";
import { NginxManager } from "../nginx/nginx-manager";
import { listeningOn } from "./proc-net-tcp";
import { runCheck } from "./run-check";

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), "wheelhouse-checks-"));
const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const nginx = new NginxManager(
  { mode: "off", binary: "nginx", httpPort: 1, httpsPort: 1, prefixDir: join(root, "nginx"), systemSitesDir: root },
  pino({ level: "silent" }),
);

function check(
  kind: AgentCheck["kind"],
  params: Record<string, unknown>,
  app: CheckAppContext | null = null,
): Promise<CheckResult> {
  return runCheck({ docker, nginx }, { check: { kind, params }, app });
}

const children: ChildProcess[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe("port.owner", () => {
  it("names the pid and command line of a stray process holding the port", async () => {
    const port = await freePort();
    const stray = spawn(
      process.execPath,
      ["-e", `require("node:net").createServer().listen(${port}, "127.0.0.1")`, "stray-server"],
      { stdio: "ignore" },
    );
    children.push(stray);
    await waitFor(() => listeningOn(port), {
      what: `the stray server on ${port}`,
      timeoutMs: 10_000,
      until: (s) => s.length > 0,
    });

    const result = await check("port.owner", { port });
    expect(result.outcome).toBe("fail");
    expect(result.finding).toContain(`port ${port} is held by pid ${stray.pid}: ${process.execPath} -e`);
    expect(result.finding).toContain("stray-server");
    expect(result.facts).toMatchObject({ held: true, pids: [stray.pid] });

    // The same port expected held (the app's own port) passes.
    expect((await check("port.owner", { port, expect: "held" })).outcome).toBe("pass");
  });

  it("passes for a free port, and fails it when the app should be listening", async () => {
    const port = await freePort();
    expect(await check("port.owner", { port })).toMatchObject({
      outcome: "pass",
      finding: `port ${port} is free: nothing listens on port ${port}`,
    });
    expect((await check("port.owner", { port, expect: "held" })).outcome).toBe("fail");
  });
});

describe("tls.certificate", () => {
  const dir = join(root, "tls");
  const openssl = (args: string[]) => run("openssl", args, { cwd: dir });

  /** A leaf for `name` signed by the test CA, valid between the two dates (openssl ca's YYYYMMDDHHMMSSZ). */
  async function leaf(file: string, name: string, start: string, end: string): Promise<void> {
    await openssl([
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${file}.key`,
      "-out",
      `${file}.csr`,
      "-subj",
      `/CN=${name}`,
      "-addext",
      `subjectAltName=DNS:${name}`,
    ]);
    await openssl([
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-cert",
      "ca.pem",
      "-keyfile",
      "ca.key",
      "-in",
      `${file}.csr`,
      "-out",
      `${file}.pem`,
      "-startdate",
      start,
      "-enddate",
      end,
      "-notext",
    ]);
  }

  async function serve(file: string): Promise<number> {
    const server = createServer({
      key: readFileSync(join(dir, `${file}.key`)),
      cert: readFileSync(join(dir, `${file}.pem`)),
    });
    servers.push(server);
    // The handshake is all the check needs; the connection is then closed by the client.
    server.on("secureConnection", (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as { port: number }).port;
  }

  const stamp = (date: Date) => `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
  const days = (count: number) => new Date(Date.now() + count * 86_400_000);
  let ports: { expired: number; wrongName: number; good: number };

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await run("mkdir", ["-p", dir]);
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "serial"), "01\n");
    writeFileSync(
      join(dir, "ca.cnf"),
      "[ca]\ndefault_ca = test\n[test]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n[any]\ncommonName = supplied\n",
    );
    await openssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-subj",
      "/CN=Wheelhouse Test CA",
      "-days",
      "30",
    ]);
    await leaf("expired", "app.example.com", stamp(days(-40)), stamp(days(-3)));
    await leaf("wrong-name", "other.example.com", stamp(days(-1)), stamp(days(60)));
    await leaf("good", "app.example.com", stamp(days(-1)), stamp(days(60)));
    ports = { expired: await serve("expired"), wrongName: await serve("wrong-name"), good: await serve("good") };
  }, 60_000);

  const tls = (port: number, extra: Record<string, unknown> = {}) =>
    check("tls.certificate", {
      host: "127.0.0.1",
      port,
      serverName: "app.example.com",
      caFile: join(dir, "ca.pem"),
      ...extra,
    });

  it("says an expired certificate expired, and when", async () => {
    const result = await tls(ports.expired);
    expect(result.outcome).toBe("fail");
    expect(result.finding).toMatch(/^app\.example\.com: expired 3 days ago \(not after \d{4}-/);
    expect(result.facts).toMatchObject({ issuer: "Wheelhouse Test CA", names: ["app.example.com"] });
  });

  it("says a certificate for another name is not for this one", async () => {
    const result = await tls(ports.wrongName);
    expect(result.outcome).toBe("fail");
    expect(result.finding).toBe("app.example.com: issued for other.example.com, not app.example.com");
  });

  it("passes a good certificate verified against its CA, and distrusts it against the system roots", async () => {
    const good = await tls(ports.good);
    expect(good.outcome).toBe("pass");
    expect(good.finding).toMatch(
      /^app\.example\.com: valid for 59 days \(not after .*\), issued by Wheelhouse Test CA$/,
    );
    const untrusted = await check("tls.certificate", {
      host: "127.0.0.1",
      port: ports.good,
      serverName: "app.example.com",
    });
    expect(untrusted.outcome).toBe("fail");
    expect(untrusted.finding).toMatch(/chain incomplete|not trusted/);
  });

  it("fails a certificate closer to expiry than the step allows", async () => {
    const result = await tls(ports.good, { minDaysLeft: 90 });
    expect(result.finding).toMatch(/valid for only 59 days .*: renew it/);
  });

  it("is an error when nothing serves TLS there", async () => {
    const port = await freePort();
    expect(await tls(port)).toMatchObject({
      outcome: "error",
      finding: `tls.certificate could not run: nothing listens on 127.0.0.1:${port}`,
    });
  });
});

describe("quick host checks", () => {
  it("disk.space: the root file system against generous and impossible thresholds", async () => {
    const ok = await check("disk.space", { path: "/", minFreePercent: 0, minFreeInodesPercent: 0 });
    expect(ok.outcome).toBe("pass");
    expect(ok.finding).toMatch(/^\/: [\d.]+% free \(/);
    const full = await check("disk.space", { path: "/", minFreePercent: 100 });
    expect(full.outcome).toBe("fail");
    expect(full.finding).toMatch(/below 100%/);
  });

  it("dns.resolve: localhost resolves to loopback; a .invalid name does not", async () => {
    const local = await check("dns.resolve", { name: "localhost", expectAddress: "127.0.0.1" });
    expect(local.outcome).toBe("pass");
    expect(local.finding).toContain("localhost resolves to");
    const missing = await check("dns.resolve", { name: "no-such-host.invalid" });
    expect(missing.outcome).toBe("fail");
    expect(missing.finding).toMatch(/^no-such-host\.invalid does not resolve on this host/);
  });

  it("path.permissions: owner and mode of a file on the host", async () => {
    const file = join(root, "key.pem");
    writeFileSync(file, "secret");
    chmodSync(file, 0o640);
    const ok = await check("path.permissions", { path: file, owner: "root", mode: "0640" });
    expect(ok).toMatchObject({
      outcome: "pass",
      finding: `${file} on this host is a file owned by root (uid 0), group 0, mode 0640`,
    });
    const wrong = await check("path.permissions", { path: file, owner: "1000", mode: "0600" });
    expect(wrong.outcome).toBe("fail");
    expect(wrong.finding).toMatch(/expected owner 1000, expected mode 0600$/);
    expect((await check("path.permissions", { path: join(root, "nope") })).finding).toBe(
      `${join(root, "nope")} does not exist on this host`,
    );
  });

  it("process.fd-limit: reads a process's limit and open files", async () => {
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    children.push(sleeper);
    const limits = readFileSync(`/proc/${sleeper.pid}/limits`, "utf8");
    const soft = Number(/Max open files\s+(\d+)/.exec(limits)?.[1]);
    const ok = await check("process.fd-limit", { pid: sleeper.pid, minLimit: 1 });
    expect(ok.outcome).toBe("pass");
    expect(ok.facts).toMatchObject({ pid: sleeper.pid, softLimit: soft, commandLine: "sleep 60" });
    const low = await check("process.fd-limit", { pid: sleeper.pid, minLimit: soft + 1 });
    expect(low.outcome).toBe("fail");
    expect(low.finding).toContain(`may open ${soft} files`);
  });

  it("command.run on the host: exit codes against the expectation, no shell", async () => {
    expect(await check("command.run", { argv: ["true"], where: "host" })).toMatchObject({ outcome: "pass" });
    const failed = await check("command.run", { argv: ["ls", join(root, "missing")], where: "host" });
    expect(failed.outcome).toBe("fail");
    expect(failed.finding).toMatch(/exited with 2, expected 0; last line: ls: cannot access/);
    // A shell string is one argument: nothing called "echo hi; true" exists.
    expect((await check("command.run", { argv: ["echo hi; true"], where: "host" })).outcome).toBe("error");
    const slow = await check("command.run", { argv: ["sleep", "5"], where: "host", timeoutSeconds: 1 });
    expect(slow.finding).toBe("sleep 5 on this host did not finish within 1 s and was stopped");
  });
});

describe("database.reachable", () => {
  it("reads an SQLite file's header, and refuses a file that is not one", async () => {
    const file = join(root, "app.db");
    const db = new Database(file);
    db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);");
    db.close();
    const ok = await check("database.reachable", { engine: "sqlite", path: file });
    expect(ok.outcome).toBe("pass");
    expect(ok.finding).toMatch(/is an SQLite 3 database of \d+ pages of 4096 bytes \(header read only/);
    const text = join(root, "notes.txt");
    writeFileSync(text, "hello");
    expect((await check("database.reachable", { engine: "sqlite", path: text })).outcome).toBe("fail");
  });

  it("says nothing listens where a PostgreSQL URL points, without its password", async () => {
    const port = await freePort();
    const result = await check("database.reachable", {
      engine: "postgresql",
      url: `postgres://app:hunter2@127.0.0.1:${port}/app`,
    });
    expect(result.outcome).toBe("fail");
    expect(result.finding).toBe(`nothing listens at 127.0.0.1:${port}: the database is down or on another port`);
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });

  const clusterUrl = process.env.WHEELHOUSE_TEST_PG_URL;
  it.skipIf(!clusterUrl)(
    "logs in to the test cluster and runs a query; a wrong password fails without showing it",
    async () => {
      const ok = await check("database.reachable", { engine: "postgresql", url: clusterUrl });
      expect(ok.outcome).toBe("pass");
      expect(ok.finding).toMatch(/accepts the login and answered a query in \d+ ms: PostgreSQL \d+/);
      const url = new URL(clusterUrl ?? "");
      url.username = "nobody";
      url.password = "wrong-pass-1234";
      const refused = await check("database.reachable", { engine: "postgresql", url: url.toString() });
      expect(refused.outcome).toBe("fail");
      expect(refused.finding).toMatch(/refused/);
      expect(JSON.stringify(refused)).not.toContain("wrong-pass-1234");
    },
  );

  describe("MySQL (a throw-away MariaDB)", () => {
    let maria: MariaDbServer;
    beforeAll(async () => {
      maria = await startMariaDb({ password: "maria-pw-7731" });
    }, 60_000);
    afterAll(async () => {
      await maria?.stop();
    });

    it("logs in and runs a query, naming the server's version and never the password", async () => {
      const ok = await check("database.reachable", { engine: "mysql", url: maria.url });
      expect(ok.outcome).toBe("pass");
      expect(ok.finding).toMatch(
        new RegExp(
          `^MySQL at 127\\.0\\.0\\.1:${maria.port}/app accepts the login of wheelhouse and answered a query in \\d+ ms: \\d+\\.\\d+\\.\\d+-MariaDB`,
        ),
      );
      expect(ok.finding).toContain(maria.version);
      expect(ok.facts).toMatchObject({ engine: "mysql", version: maria.version });
      expect(ok.output).toContain(`mysql://wheelhouse:***@127.0.0.1:${maria.port}/app`);
      expect(JSON.stringify(ok)).not.toContain("maria-pw-7731");
    });

    it("fails a wrong password with the server's access-denied words, the password scrubbed", async () => {
      const url = new URL(maria.url);
      url.password = "wrong-maria-5521";
      const refused = await check("database.reachable", { engine: "mysql", url: url.toString() });
      expect(refused.outcome).toBe("fail");
      expect(refused.finding).toMatch(
        new RegExp(
          `^MySQL at 127\\.0\\.0\\.1:${maria.port}/app refused: Access denied for user 'wheelhouse'@.* \\(ER_ACCESS_DENIED_ERROR\\)$`,
        ),
      );
      expect(JSON.stringify(refused)).not.toContain("wrong-maria-5521");
      expect(JSON.stringify(refused)).not.toContain("maria-pw-7731");
    });

    it("fails a database the user may not open with the server's words", async () => {
      const url = new URL(maria.url);
      url.pathname = "/other";
      const refused = await check("database.reachable", { engine: "mysql", url: url.toString() });
      expect(refused.outcome).toBe("fail");
      expect(refused.finding).toMatch(/refused: Access denied for user 'wheelhouse'@.* to database 'other'/);
    });

    it("says nothing listens where a MySQL URL points, without its password", async () => {
      const port = await freePort();
      const result = await check("database.reachable", {
        engine: "mysql",
        url: `mysql://app:hunter2@127.0.0.1:${port}/app`,
      });
      expect(result.outcome).toBe("fail");
      expect(result.finding).toBe(`nothing listens at 127.0.0.1:${port}: the database is down or on another port`);
      expect(JSON.stringify(result)).not.toContain("hunter2");
    });
  });
});
