// TLS and ACME HTTP-01 answers against the real nginx (issue 15, agent side): a managed nginx under
// a temporary prefix on two free ports, certificates from a throw-away CA made with openssl, and a
// tiny Node app on loopback behind it.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect as connectHttp2 } from "node:http2";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import type { NginxSite } from "@wheelhouse/shared";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../../scripts/lib/free-port.ts";
import { requestWithHost } from "../../../../tests/support/nginx.ts";
import type { NginxSettings } from "../config/settings";
import { putChallenge, removeChallenge } from "./acme-challenges";
import { NginxManager } from "./nginx-manager";

const run = promisify(execFile);

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

const root = mkdtempSync(join(tmpdir(), "wheelhouse-nginx-tls-"));
const pki = join(root, "pki");
const started: NginxManager[] = [];
let httpPort: number;
let httpsPort: number;
let manager: NginxManager;

const app: Server = createServer((request, response) => {
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ from: "the app", proto: request.headers["x-forwarded-proto"] }));
});
let appPort: number;

interface Leaf {
  fullChainPem: string;
  keyPem: string;
  serial: string;
}
let caPem: string;
let firstLeaf: Leaf;
let secondLeaf: Leaf;

async function openssl(args: string[]): Promise<string> {
  return (await run("openssl", args, { cwd: pki })).stdout;
}

/** A leaf for shop.test signed by the test CA; each call makes a new key and serial. */
async function makeLeaf(name: string): Promise<Leaf> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", "/CN=shop.test"]);
  writeFileSync(join(pki, `${name}.ext`), "subjectAltName=DNS:shop.test\nextendedKeyUsage=serverAuth\n");
  await openssl([
    ...["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"],
    ...["-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.pem`],
  ]);
  const serial = (await openssl(["x509", "-in", `${name}.pem`, "-noout", "-serial"])).trim().replace(/^serial=/, "");
  return {
    fullChainPem: readFileSync(join(pki, `${name}.pem`), "utf8"),
    keyPem: readFileSync(join(pki, `${name}.key`), "utf8"),
    serial,
  };
}

function settings(overrides: Partial<NginxSettings> = {}): NginxSettings {
  return {
    mode: "managed",
    binary: "nginx",
    httpPort,
    httpsPort,
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

function shop(leaf: Leaf, overrides: Partial<NginxSite> = {}): NginxSite {
  return {
    appId: "shop1",
    appName: "shop",
    domains: ["shop.test", "plain.test"],
    upstreams: [{ port: appPort }],
    maintenance: false,
    tls: [{ domain: "shop.test", fullChainPem: leaf.fullChainPem, keyPem: leaf.keyPem }],
    httpsRedirect: true,
    hsts: true,
    ...overrides,
  };
}

interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  serial: string;
}

/** GET https://{name}:httpsPort{path} through 127.0.0.1, trusting only the test CA; a new connection each time. */
function httpsGet(
  path = "/",
  { servername = "shop.test", host = servername }: { servername?: string; host?: string } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      {
        host: "127.0.0.1",
        port: httpsPort,
        path,
        servername,
        headers: { host },
        ca: caPem,
        agent: false,
        timeout: 5_000,
      },
      (response) => {
        const serial = (response.socket as TLSSocket).getPeerCertificate().serialNumber;
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, serial }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error("no HTTPS answer within 5 s")));
    outgoing.on("error", reject);
    outgoing.end();
  });
}

const get = (host: string, path = "/") => requestWithHost(httpPort, host, { path });
const certsDir = () => join(settings().prefixDir, "certs");

beforeAll(async () => {
  await run("mkdir", ["-p", pki]);
  await openssl([
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ...["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Wheelhouse Test CA"],
  ]);
  caPem = readFileSync(join(pki, "ca.pem"), "utf8");
  firstLeaf = await makeLeaf("first");
  secondLeaf = await makeLeaf("second");
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appPort = (app.address() as AddressInfo).port;
  httpPort = await freePort();
  httpsPort = await freePort();
  manager = newManager();
  await manager.start();
});

afterEach(() => {
  expect(errorLines).toEqual([]);
});

afterAll(async () => {
  for (const each of started) await each.stopManaged();
  await new Promise<void>((resolve) => app.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe("a managed nginx with certificates", () => {
  it("listens on HTTPS only once a site has a certificate", async () => {
    expect(await manager.status()).toMatchObject({ running: true, httpsPort: null });
    await manager.apply([shop(firstLeaf, { tls: [] })]);
    expect((await manager.status()).httpsPort).toBeNull();
    await expect(httpsGet()).rejects.toThrow(/ECONNREFUSED/);

    expect(await manager.apply([shop(firstLeaf)])).toMatchObject({ reloaded: true });
    expect(await manager.status()).toMatchObject({ running: true, httpPort, httpsPort, error: null });
  });

  it("presents a chain openssl verifies against the CA for the domain's name", async () => {
    const handshake = run(
      "openssl",
      [
        ...["s_client", "-connect", `127.0.0.1:${httpsPort}`, "-servername", "shop.test", "-showcerts"],
        ...["-CAfile", join(pki, "ca.pem"), "-verify_return_error", "-verify_hostname", "shop.test"],
      ],
      { timeout: 10_000 },
    );
    // s_client sends what it reads on stdin until EOF; nothing to send, so it closes after the handshake.
    handshake.child.stdin?.end();
    const { stdout } = await handshake;
    expect(stdout).toContain("Certificate chain");
    expect(stdout).toMatch(/subject=CN ?= ?shop\.test/);
    expect(stdout).toContain("Verify return code: 0 (ok)");
  });

  it("proxies HTTPS to the app and sends HSTS", async () => {
    const answer = await httpsGet("/orders");
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ from: "the app", proto: "https" });
    expect(answer.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(answer.serial).toBe(firstLeaf.serial);
  });

  it("speaks HTTP/2 to a client that offers it", async () => {
    const session = connectHttp2(`https://127.0.0.1:${httpsPort}`, { ca: caPem, servername: "shop.test" });
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        session.once("error", reject);
        const stream = session.request({ ":path": "/orders", ":authority": "shop.test" });
        let status = 0;
        let body = "";
        stream.on("response", (headers) => {
          status = Number(headers[":status"]);
        });
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => {
          body += chunk;
        });
        stream.on("end", () => resolve({ status, body }));
        stream.on("error", reject);
      });
      expect(session.alpnProtocol).toBe("h2");
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ from: "the app", proto: "https" });
    } finally {
      session.close();
    }
  });

  it("refuses the handshake for a name no site has a certificate for, and 404s an unknown Host", async () => {
    await expect(httpsGet("/", { servername: "unknown.test" })).rejects.toThrow(/unrecognized name/);
    const unknownHost = await httpsGet("/", { host: "unknown.test" });
    expect(unknownHost.status).toBe(404);
    expect(unknownHost.body).toContain("No app at this address");
  });

  it("redirects the certified domain's HTTP to HTTPS and keeps serving the others on HTTP", async () => {
    const redirected = await get("shop.test", "/orders?id=4");
    expect(redirected.status).toBe(301);
    expect(redirected.headers.location).toBe(`https://shop.test:${httpsPort}/orders?id=4`);
    const plain = await get("plain.test");
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body)).toEqual({ from: "the app", proto: "http" });
  });

  it("keeps the key 0600 in a 0700 directory", () => {
    expect(statSync(certsDir()).mode & 0o777).toBe(0o700);
    const names = readdirSync(certsDir()).sort();
    expect(names).toHaveLength(2);
    const modes = names.map((name) => statSync(join(certsDir(), name)).mode & 0o777);
    expect(modes).toEqual([0o644, 0o600]);
    expect(names.every((name) => !name.includes("shop.test"))).toBe(true);
  });

  it("serves an ACME answer on HTTP behind the redirect and in maintenance, and 404 once withdrawn", async () => {
    const token = "Zm9vYmFyX3Rva2VuXzEyMw";
    const keyAuthorization = `${token}.${"A".repeat(43)}`;
    const path = `/.well-known/acme-challenge/${token}`;
    // Before the token exists the path is a plain 404, not a redirect.
    expect((await get("shop.test", path)).status).toBe(404);
    await putChallenge(manager.acmeWebroot(), token, keyAuthorization);
    for (const host of ["shop.test", "plain.test"]) {
      const answer = await get(host, path);
      expect(answer).toMatchObject({ status: 200, body: keyAuthorization });
      expect(answer.headers["content-type"]).toBe("text/plain");
    }
    await manager.apply([shop(firstLeaf, { maintenance: true })]);
    expect((await get("plain.test")).status).toBe(503);
    expect(await get("shop.test", path)).toMatchObject({ status: 200, body: keyAuthorization });

    await removeChallenge(manager.acmeWebroot(), token);
    await removeChallenge(manager.acmeWebroot(), token);
    expect((await get("shop.test", path)).status).toBe(404);
    await manager.apply([shop(firstLeaf)]);
  });

  it("keeps serving the last good certificate when nginx refuses a new one", async () => {
    const broken = {
      ...firstLeaf,
      fullChainPem: "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n",
    };
    await expect(manager.apply([shop(broken)])).rejects.toThrow(/^nginx refused the configuration: /);
    const answer = await httpsGet();
    expect(answer.status).toBe(200);
    expect(answer.serial).toBe(firstLeaf.serial);
    await manager.apply([shop(firstLeaf)]);
    expect((await manager.status()).error).toBeNull();
  });

  it("serves a renewed certificate after a graceful reload, without failing a request meanwhile", async () => {
    const before = readdirSync(certsDir()).sort();
    let running = true;
    let answered = 0;
    const failures: string[] = [];
    const loop = (async () => {
      while (running) {
        try {
          const answer = await httpsGet();
          if (answer.status === 200) answered += 1;
          else failures.push(`status ${answer.status}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await manager.apply([shop(secondLeaf)])).toMatchObject({ reloaded: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      running = false;
      await loop;
    }
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(5);
    expect((await httpsGet()).serial).toBe(secondLeaf.serial);
    // The first certificate's files went once the apply that replaced them succeeded.
    const after = readdirSync(certsDir()).sort();
    expect(after).toHaveLength(2);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
  });

  it("says plainly when the HTTPS port is taken", async () => {
    const blocker = createServer();
    const blockedPort = await freePort();
    await new Promise<void>((resolve) => blocker.listen(blockedPort, "127.0.0.1", resolve));
    try {
      const other = newManager({
        httpPort: await freePort(),
        httpsPort: blockedPort,
        prefixDir: join(root, "blocked"),
      });
      await other.start();
      await expect(other.apply([shop(firstLeaf)])).rejects.toThrow(
        `Port ${blockedPort} is already in use by another program, so nginx cannot listen on it. Free the port or set NGINX_HTTPS_PORT to a free one.`,
      );
      expect((await other.status()).httpsPort).toBeNull();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
