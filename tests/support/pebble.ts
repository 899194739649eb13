// Debian's pebble (the ACME test server, 2.4) with its pebble-challtestsrv as DNS, for tests of the
// portal's ACME client. Everything listens on free loopback ports; configuration, the openssl-made
// certificate of pebble's own HTTPS API and both processes' output live in one temporary directory.
//
// pebble-challtestsrv is only the DNS here (every name → 127.0.0.1): its own HTTP-01/TLS-ALPN-01
// servers are switched off, because pebble validates HTTP-01 against `httpPort` on 127.0.0.1 — the
// port of whatever serves /.well-known/acme-challenge/ in the test (the agent's nginx, or a stand-in).
//
// Making validation fail, both verified by tests/integration/acme-order.int.test.ts:
// - not publishing the token: the challenge server answers 404, pebble says
//   `urn:ietf:params:acme:error:unauthorized`;
// - `setServfail(host)` (also named `failValidationFor`): the DNS answers SERVFAIL for the name, pebble says
//   `urn:ietf:params:acme:error:connection` ("could not resolve URL …").
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/free-port.ts";
import { waitFor } from "./wait-for.ts";

export interface PebbleOptions {
  /** The port pebble sends HTTP-01 validation requests to, on 127.0.0.1. */
  httpPort: number;
  /** Lifetime of issued certificates in seconds (pebble's `certificateValidityPeriod`), for renewal tests. */
  certificateValiditySeconds?: number;
}

export interface PebbleServer {
  /** https://127.0.0.1:<port>/dir */
  directoryUrl: string;
  /** PEM file of the CA that signed pebble's API certificate (what ACME_CA_BUNDLE would name). */
  caBundlePath: string;
  caBundlePem: string;
  /** pebble's management API (https, same CA). */
  managementUrl: string;
  /** pebble-challtestsrv's management API (plain http). */
  challengeServerUrl: string;
  /** The root that signs issued certificates; pebble makes a new one at every start. */
  rootPem(): Promise<string>;
  intermediatePem(): Promise<string>;
  /** The DNS answers SERVFAIL for `host` until clearServfail: pebble's validation of it fails. */
  setServfail(host: string): Promise<void>;
  clearServfail(host: string): Promise<void>;
  /** Makes every later validation of `host` fail (by SERVFAIL), whatever serves the challenge answer. */
  failValidationFor(host: string): Promise<void>;
  /** The DNS answers `addresses` instead of 127.0.0.1 for `host`. */
  addA(host: string, addresses: string[]): Promise<void>;
  stop(): Promise<void>;
}

const OUTPUT_TAIL_LINES = 20;
// Processes that are still running when the test worker exits without calling stop().
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function makeApiCertificate(dir: string): { caPath: string; certPath: string; keyPath: string } {
  const caKey = join(dir, "api-ca.key");
  const caPath = join(dir, "api-ca.pem");
  const keyPath = join(dir, "api.key");
  const csrPath = join(dir, "api.csr");
  const certPath = join(dir, "api.pem");
  const extPath = join(dir, "api.ext");
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", caKey]);
  run([
    "req",
    "-x509",
    "-new",
    "-key",
    caKey,
    "-sha256",
    "-days",
    "2",
    "-subj",
    "/CN=Wheelhouse test pebble API CA",
    "-out",
    caPath,
  ]);
  run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath]);
  run(["req", "-new", "-key", keyPath, "-subj", "/CN=127.0.0.1", "-out", csrPath]);
  writeFileSync(extPath, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  run([
    "x509",
    "-req",
    "-in",
    csrPath,
    "-CA",
    caPath,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-days",
    "2",
    "-sha256",
    "-extfile",
    extPath,
    "-out",
    certPath,
  ]);
  return { caPath, certPath, keyPath };
}

/** Starts `binary` with its stdout and stderr appended to `logPath`. */
function launch(binary: string, args: string[], logPath: string, env: Record<string, string> = {}): ChildProcess {
  const log = openSync(logPath, "a");
  try {
    const child = spawn(binary, args, { stdio: ["ignore", log, log], env: { ...process.env, ...env } });
    running.add(child);
    child.once("exit", () => running.delete(child));
    return child;
  } finally {
    closeSync(log);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killer);
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-OUTPUT_TAIL_LINES).join("\n");
  } catch {
    return "(no output file)";
  }
}

/** GET over https trusting only `ca`; resolves with status and body. */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, agent: false, timeout: 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on("error", reject);
    req.end();
  });
}

async function managementPem(url: string, ca: string): Promise<string> {
  const { status, body } = await httpsGet(url, ca);
  if (status !== 200) throw new Error(`GET ${url} answered ${status}: ${body}`);
  return body;
}

async function postChallengeServer(url: string, body: object): Promise<void> {
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}

export async function startPebble(options: PebbleOptions): Promise<PebbleServer> {
  const dir = mkdtempSync(join(tmpdir(), "wheelhouse-pebble-"));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  };
  const challtestsrvLog = join(dir, "challtestsrv.log");
  const pebbleLog = join(dir, "pebble.log");
  const outputs = () => `pebble-challtestsrv:\n${tail(challtestsrvLog)}\npebble:\n${tail(pebbleLog)}`;
  try {
    const { caPath, certPath, keyPath } = makeApiCertificate(dir);
    const caBundlePem = readFileSync(caPath, "utf8");
    const [apiPort, managementPort, tlsPort, dnsPort, challengeManagementPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const challengeServerUrl = `http://127.0.0.1:${challengeManagementPort}`;
    const dnsChild = launch(
      "pebble-challtestsrv",
      [
        "-dns01",
        `127.0.0.1:${dnsPort}`,
        "-http01",
        "",
        "-https01",
        "",
        "-tlsalpn01",
        "",
        "-management",
        `127.0.0.1:${challengeManagementPort}`,
        "-defaultIPv4",
        "127.0.0.1",
        "-defaultIPv6",
        "",
      ],
      challtestsrvLog,
    );
    children.push(dnsChild);
    await waitFor(() => fetch(challengeServerUrl, { signal: AbortSignal.timeout(2_000) }).then(() => true), {
      what: `pebble-challtestsrv's management API on ${challengeServerUrl}`,
      timeoutMs: 15_000,
      giveUpIf: () => (dnsChild.exitCode !== null ? `it exited with code ${dnsChild.exitCode}` : undefined),
    });

    const configPath = join(dir, "pebble-config.json");
    const config = {
      pebble: {
        listenAddress: `127.0.0.1:${apiPort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: certPath,
        privateKey: keyPath,
        httpPort: options.httpPort,
        tlsPort,
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
        ...(options.certificateValiditySeconds === undefined
          ? {}
          : { certificateValidityPeriod: options.certificateValiditySeconds }),
      },
    };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const pebbleChild = launch("pebble", ["-config", configPath, "-dnsserver", `127.0.0.1:${dnsPort}`], pebbleLog, {
      // No random 0–15 s sleep before validating; no rejected good nonces (acme-client retries
      // badNonce, but tests should not depend on it); every order gets fresh authorizations, so a
      // failed challenge for a name is not hidden by an earlier valid one.
      PEBBLE_VA_NOSLEEP: "1",
      PEBBLE_WFE_NONCEREJECT: "0",
      PEBBLE_AUTHZREUSE: "0",
    });
    children.push(pebbleChild);
    const directoryUrl = `https://127.0.0.1:${apiPort}/dir`;
    await waitFor(async () => (await httpsGet(directoryUrl, caBundlePem)).status === 200, {
      what: `pebble's directory on ${directoryUrl}`,
      timeoutMs: 15_000,
      giveUpIf: () => (pebbleChild.exitCode !== null ? `it exited with code ${pebbleChild.exitCode}` : undefined),
    });
    const managementUrl = `https://127.0.0.1:${managementPort}`;
    return {
      directoryUrl,
      caBundlePath: caPath,
      caBundlePem,
      managementUrl,
      challengeServerUrl,
      rootPem: () => managementPem(`${managementUrl}/roots/0`, caBundlePem),
      intermediatePem: () => managementPem(`${managementUrl}/intermediates/0`, caBundlePem),
      setServfail: (host) => postChallengeServer(`${challengeServerUrl}/set-servfail`, { host }),
      clearServfail: (host) => postChallengeServer(`${challengeServerUrl}/clear-servfail`, { host }),
      failValidationFor: (host) => postChallengeServer(`${challengeServerUrl}/set-servfail`, { host }),
      addA: (host, addresses) => postChallengeServer(`${challengeServerUrl}/add-a`, { host, addresses }),
      stop,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failure = new Error(`pebble did not start: ${message}\n${outputs()}`);
    await stop();
    throw failure;
  }
}
