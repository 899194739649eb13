// The nginx manager against the real nginx: a managed nginx under a temporary prefix on a free
// port, with a tiny Node app on loopback behind it. Requests go to 127.0.0.1 with the Host header
// a browser would send.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NginxSite } from "@wheelhouse/shared";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../../scripts/lib/free-port.ts";
import { requestWithHost } from "../../../../tests/support/nginx.ts";
import type { NginxSettings } from "../config/settings";
import { putChallenge, removeChallenge } from "./acme-challenges";
import { managedLayout, renderMainConfig } from "./main-config";
import { prepareManagedPrefix } from "./managed-prefix";
import { NGINX_OFF, NginxManager } from "./nginx-manager";
import { childPids, isAlive, NGINX_MISSING, readPidFile, waitUntil } from "./nginx-process";
import { systemMaster } from "./system-nginx";

/** Log lines at error level or above: a test that logs one fails. */
const errorLines: string[] = [];
const logger = pino(
  { level: "warn" },
  {
    write(line: string) {
      if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(line);
    },
  },
);

const root = mkdtempSync(join(tmpdir(), "wheelhouse-nginx-"));
const started: NginxManager[] = [];
let nginxPort: number;
let manager: NginxManager;

/** The app: answers with what it received, so tests see the proxied headers and body. */
let appRequests = 0;
const app: Server = createServer((request: IncomingMessage, response) => {
  appRequests += 1;
  let bytes = 0;
  request.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  request.on("end", () => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ headers: request.headers, bytes }));
  });
});
let appPort: number;

function settings(overrides: Partial<NginxSettings> = {}): NginxSettings {
  return {
    mode: "managed",
    binary: "nginx",
    httpPort: nginxPort,
    httpsPort: 1,
    prefixDir: join(root, "nginx"),
    systemSitesDir: join(root, "unused"),
    ...overrides,
  };
}

function newManager(overrides: Partial<NginxSettings> = {}): NginxManager {
  const created = new NginxManager(settings(overrides), logger);
  started.push(created);
  return created;
}

function site(overrides: Partial<NginxSite> = {}): NginxSite {
  return {
    appId: "app1",
    appName: "billing",
    domains: ["billing.test"],
    upstreams: [{ port: appPort }],
    maintenance: false,
    tls: [],
    httpsRedirect: false,
    hsts: false,
    ...overrides,
  };
}

const get = (host: string, path = "/") => requestWithHost(nginxPort, host, { path });

beforeAll(async () => {
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appPort = (app.address() as AddressInfo).port;
  nginxPort = await freePort();
  manager = newManager();
  await manager.start();
});

afterEach(() => {
  expect(errorLines).toEqual([]);
});

afterAll(async () => {
  // Every manager that may have started an nginx stops it; stopping one that is not running is a no-op.
  for (const each of started) await each.stopManaged();
  await new Promise<void>((resolve) => app.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe("a managed nginx", () => {
  it("reports itself running on the configured port", async () => {
    const status = await manager.status();
    expect(status).toMatchObject({ mode: "managed", running: true, httpPort: nginxPort, httpsPort: null, error: null });
    expect(status.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("serves an app by its Host header and passes the forwarding headers", async () => {
    const result = await manager.apply([site()]);
    expect(result.reloaded).toBe(true);
    const response = await get("billing.test");
    expect(response.status).toBe(200);
    const seen = JSON.parse(response.body) as { headers: Record<string, string> };
    expect(seen.headers).toMatchObject({
      host: "billing.test",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "http",
      "x-real-ip": "127.0.0.1",
    });
  });

  it("passes a large request body (nginx's workers can write their temp files)", async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 1);
    const response = await requestWithHost(nginxPort, "billing.test", { method: "POST", body });
    expect(response.status).toBe(200);
    expect((JSON.parse(response.body) as { bytes: number }).bytes).toBe(body.length);
  });

  it("skips an instance that does not answer", async () => {
    const deadPort = await freePort();
    await manager.apply([site({ upstreams: [{ port: deadPort }, { port: appPort }] })]);
    for (let attempt = 0; attempt < 6; attempt += 1) expect((await get("billing.test")).status).toBe(200);
  });

  it("answers unknown Host headers with 404 and a page naming the problem", async () => {
    const response = await get("nobody-here.test");
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toContain("No app at this address");
  });

  it("serves the branded 502 page when the app has no healthy instance", async () => {
    await manager.apply([site({ upstreams: [] })]);
    const response = await get("billing.test");
    expect(response.status).toBe(502);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toContain("billing has no healthy instance right now");
    expect(response.body).not.toMatch(/<(link|script|img)\b/);
  });

  it("serves the maintenance page with 503 and Retry-After without contacting the app", async () => {
    await manager.apply([site({ maintenance: true })]);
    const before = appRequests;
    const response = await get("billing.test", "/orders/42");
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toBe("300");
    expect(response.body).toContain("billing is down for maintenance");
    expect(appRequests).toBe(before);
  });

  it("does not reload when the same sites are applied twice", async () => {
    const first = await manager.apply([site(), site({ appId: "app2", appName: "shop", domains: ["shop.test"] })]);
    const second = await manager.apply([site({ appId: "app2", appName: "shop", domains: ["shop.test"] }), site()]);
    expect(first.reloaded).toBe(true);
    expect(second).toEqual({ reloaded: false, configHash: first.configHash });
  });

  it("removes the sites of apps no longer in the list", async () => {
    expect((await get("shop.test")).status).toBe(200);
    await manager.apply([site()]);
    expect((await get("shop.test")).status).toBe(404);
    expect(readdirSync(join(settings().prefixDir, "sites"))).toEqual(["wheelhouse-app1.conf"]);
  });

  it("never leaves a configuration nginx refuses in place", async () => {
    // "." passes the agent's defensive check (letters, digits, dots, dashes) but nginx refuses it as
    // a server name: a real refusal by nginx, without any test-only hook in the renderer.
    const refused = manager.apply([site(), site({ appId: "app3", appName: "broken", domains: ["."] })]);
    await expect(refused).rejects.toThrow(/^nginx refused the configuration: .*server name "\." is invalid/);
    expect(readdirSync(join(settings().prefixDir, "sites"))).toEqual(["wheelhouse-app1.conf"]);
    expect((await get("billing.test")).status).toBe(200);
    expect((await manager.status()).error).toMatch(/server name "\." is invalid/);
    // The next good apply clears the error.
    await manager.apply([site()]);
    expect((await manager.status()).error).toBeNull();
  });

  it("runs concurrent applies one after the other, the last one winning", async () => {
    const results = await Promise.all([
      manager.apply([site({ upstreams: [] })]),
      manager.apply([site({ maintenance: true })]),
      manager.apply([site()]),
    ]);
    expect(results.map((result) => result.reloaded)).toEqual([true, true, true]);
    expect((await get("billing.test")).status).toBe(200);
  });

  it("adopts the running nginx after the agent restarts, keeping the port and the sites", async () => {
    const pidFile = join(settings().prefixDir, "run", "nginx.pid");
    const masterBefore = await readPidFile(pidFile);
    const restarted = newManager();
    await restarted.start();
    expect(await readPidFile(pidFile)).toBe(masterBefore);
    expect((await restarted.status()).running).toBe(true);
    expect((await get("billing.test")).status).toBe(200);
    expect(await restarted.apply([site()])).toMatchObject({ reloaded: false });
    manager = restarted;
  });

  it("says plainly when its port is taken", async () => {
    const blocker = createServer();
    const blockedPort = await freePort();
    await new Promise<void>((resolve) => blocker.listen(blockedPort, "127.0.0.1", resolve));
    try {
      const other = newManager({ httpPort: blockedPort, prefixDir: join(root, "blocked-nginx") });
      await expect(other.start()).rejects.toThrow(`Port ${blockedPort} is already in use by another program`);
      const status = await other.status();
      expect(status.running).toBe(false);
      expect(status.error).toContain(`Port ${blockedPort} is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("stops when asked, freeing its port", async () => {
    await manager.stopManaged();
    expect((await manager.status()).running).toBe(false);
    await expect(get("billing.test")).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("without a usable nginx", () => {
  it("names the missing package when the binary does not exist", async () => {
    const missing = new NginxManager(settings({ binary: join(root, "no-such-nginx") }), logger);
    expect((await missing.status()).error).toBe(NGINX_MISSING);
    await expect(missing.apply([site()])).rejects.toThrow(NGINX_MISSING);
    await expect(missing.start()).rejects.toThrow(NGINX_MISSING);
  });

  it("refuses to apply when nginx is off", async () => {
    const off = new NginxManager(settings({ mode: "off" }), logger);
    await off.start();
    await expect(off.apply([site()])).rejects.toThrow(NGINX_OFF);
    expect(await off.status()).toMatchObject({ mode: "off", running: false, error: NGINX_OFF });
  });
});

describe("the system nginx", () => {
  // A stand-in for the host's own nginx: its own prefix and loopback port, started outside the
  // agent. NGINX_BINARY is a wrapper that points every nginx command at that prefix, as the distro's
  // compiled-in paths point a real system nginx at /etc/nginx.
  const layout = managedLayout(join(root, "system-nginx"));
  const wrapper = join(root, "system-nginx.sh");
  let port: number;
  let system: NginxManager;
  const live = () => readdirSync(layout.sitesDir).sort();
  const getSystem = (host: string, path = "/") => requestWithHost(port, host, { path });

  async function startSystemNginx(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      execFile(wrapper, [], (error, _stdout, stderr) =>
        error ? reject(new Error(stderr || error.message)) : resolve(),
      );
    });
    await waitUntil(async () => (await systemMaster(layout.pidFile)) !== null, 5_000);
    const master = await systemMaster(layout.pidFile);
    if (master === null) throw new Error(`the system nginx did not start; see ${layout.errorLog}`);
    return master;
  }

  async function stopSystemNginx(): Promise<void> {
    const master = await systemMaster(layout.pidFile);
    if (master === null) return;
    process.kill(master, "SIGQUIT");
    if (!(await waitUntil(async () => !(await isAlive(master)), 10_000))) {
      process.kill(master, "SIGTERM");
      await waitUntil(async () => !(await isAlive(master)), 5_000);
    }
  }

  beforeAll(async () => {
    port = await freePort();
    const workerUser = await prepareManagedPrefix(layout, logger);
    writeFileSync(layout.configFile, renderMainConfig(layout, { httpPort: port, workerUser }));
    writeFileSync(wrapper, `#!/bin/sh\nexec nginx -p ${layout.prefix} -c ${layout.configArg} "$@"\n`);
    chmodSync(wrapper, 0o755);
    await startSystemNginx();
    // The agent's config directory is 0700, as the agent creates it: the system nginx's workers must still reach its ACME answers.
    const agentConfigDir = join(root, "system-agent");
    mkdirSync(agentConfigDir, { mode: 0o700 });
    system = new NginxManager(
      settings({
        mode: "system",
        binary: wrapper,
        httpPort: port,
        prefixDir: join(agentConfigDir, "nginx"),
        systemSitesDir: layout.sitesDir,
      }),
      logger,
    );
    await system.start();
  });

  afterAll(async () => {
    await stopSystemNginx();
  });

  it("reports a reload only once new workers serve the new sites", async () => {
    const master = await systemMaster(layout.pidFile);
    expect(master).not.toBeNull();
    const before = await childPids(master ?? 0);
    expect(await system.apply([site()])).toMatchObject({ reloaded: true });
    // Checked at once, without waiting: the apply returned only after the new workers ran.
    const after = await childPids(master ?? 0);
    expect(after.some((pid) => !before.includes(pid))).toBe(true);
    expect((await getSystem("billing.test")).status).toBe(200);
    expect(await system.status()).toMatchObject({ mode: "system", running: true, httpPort: port, error: null });
  });

  it("serves ACME answers from the agent's state directory to the system nginx's workers", async () => {
    const token = "c3lzdGVtLW5naW54LXRva2Vu";
    const keyAuthorization = `${token}.${"B".repeat(43)}`;
    await putChallenge(system.acmeWebroot(), token, keyAuthorization);
    const answer = await getSystem("billing.test", `/.well-known/acme-challenge/${token}`);
    expect(answer).toMatchObject({ status: 200, body: keyAuthorization });
    await removeChallenge(system.acmeWebroot(), token);
    expect((await getSystem("billing.test", `/.well-known/acme-challenge/${token}`)).status).toBe(404);
  });

  it("puts the last good files back when nginx -t refuses the new ones", async () => {
    const refused = system.apply([site(), site({ appId: "app3", appName: "broken", domains: ["."] })]);
    await expect(refused).rejects.toThrow(/^nginx refused the configuration: .*server name "\." is invalid/);
    expect(live()).toEqual(["wheelhouse-app1.conf"]);
    expect((await getSystem("billing.test")).status).toBe(200);
  });

  it("never signals a process the pid file names that is not an nginx master, and restores", async () => {
    const master = await systemMaster(layout.pidFile);
    // A stale pid file naming another process (this test's own): `nginx -s reload` would send it SIGHUP.
    writeFileSync(layout.pidFile, `${process.pid}\n`);
    try {
      const shop = site({ appId: "app2", appName: "shop", domains: ["shop.test"] });
      await expect(system.apply([site(), shop])).rejects.toThrow(
        `the system nginx is not running (no live master in ${layout.pidFile})`,
      );
      expect(live()).toEqual(["wheelhouse-app1.conf"]);
      expect((await system.status()).error).toMatch(/^the system nginx is not running/);
    } finally {
      writeFileSync(layout.pidFile, `${master}\n`);
    }
    expect((await getSystem("shop.test")).status).toBe(404);
  });

  it("reports a master that is gone and restores the files; applies again once nginx is back", async () => {
    await stopSystemNginx();
    const shop = site({ appId: "app2", appName: "shop", domains: ["shop.test"] });
    await expect(system.apply([site(), shop])).rejects.toThrow(/^the system nginx is not running/);
    expect(live()).toEqual(["wheelhouse-app1.conf"]);
    expect(readFileSync(join(layout.sitesDir, "wheelhouse-app1.conf"), "utf8")).toContain("billing.test");
    expect(await system.status()).toMatchObject({ running: false });

    await startSystemNginx();
    expect(await system.apply([site(), shop])).toMatchObject({ reloaded: true });
    expect((await getSystem("shop.test")).status).toBe(200);
    expect((await system.status()).error).toBeNull();
  });
});
