// A real container registry for tests: Debian's `docker-registry` (the CNCF distribution registry)
// on a loopback port, optionally with htpasswd logins behind TLS, and optionally sending push
// notifications to a portal. Images are pushed through the engine API (dockerode), so no test writes
// a login into ~/.docker/config.json.
//
// TLS: the certificate is made with openssl for IP 127.0.0.1 and trusted by this machine's engine
// through /etc/docker/certs.d/127.0.0.1:PORT/ca.crt, which the engine reads at each connection;
// stop() removes it. (The engine treats 127.0.0.0/8 as an insecure registry by default, so an open
// registry is reached over plain HTTP.)
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { freePort } from "../../scripts/lib/free-port.ts";
import { waitFor } from "./wait-for.ts";

const REGISTRY_BINARY = "/usr/bin/docker-registry";
const CERTS_DIR = "/etc/docker/certs.d";

export interface RegistryOptions {
  /** Require this login (htpasswd, bcrypt) and serve over TLS. */
  login?: { username: string; password: string };
  /** Send push notifications (the distribution envelope) here, with this bearer token. */
  notify?: { url: string; token: string };
}

export interface TestRegistry {
  /** host:port as image references name it: 127.0.0.1:PORT */
  host: string;
  port: number;
  /** The registry's output so far (its own log lines, JSON). */
  output(): string;
  /** Stops it (SIGTERM) and leaves its storage, so start() serves the same images again. */
  pause(): Promise<void>;
  /** Starts it again on the same port after pause(). */
  resume(): Promise<void>;
  /** Stops it and removes its storage, its certificate and the engine's trust in it. */
  stop(): Promise<void>;
}

function writeConfig(dir: string, port: number, options: RegistryOptions): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: info",
    "  formatter: json",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
  ];
  if (options.login) {
    lines.push("  tls:", `    certificate: ${join(dir, "cert.pem")}`, `    key: ${join(dir, "key.pem")}`);
    lines.push("auth:", "  htpasswd:", "    realm: wheelhouse-test", `    path: ${join(dir, "htpasswd")}`);
  }
  if (options.notify) {
    lines.push(
      "notifications:",
      "  endpoints:",
      "    - name: wheelhouse",
      `      url: ${options.notify.url}`,
      "      headers:",
      `        Authorization: [Bearer ${options.notify.token}]`,
      "      timeout: 2s",
      "      threshold: 3",
      "      backoff: 1s",
    );
  }
  const path = join(dir, "config.yml");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

function makeCertificate(dir: string): void {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
}

/** GET /v2/ answers 200 (open) or 401 (login wanted) once the registry listens. */
async function answers(port: number, tls: boolean, ca: string | undefined): Promise<boolean> {
  if (!tls) {
    const response = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
    return response !== undefined && (response.status === 200 || response.status === 401);
  }
  return new Promise((resolve) => {
    const req = httpsRequest({ host: "127.0.0.1", port, path: "/v2/", ca }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 401);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "wheelhouse-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tls = options.login !== undefined;
  let ca: string | undefined;
  if (options.login) {
    makeCertificate(dir);
    ca = readFileSync(join(dir, "cert.pem"), "utf8");
    mkdirSync(join(CERTS_DIR, host), { recursive: true });
    writeFileSync(join(CERTS_DIR, host, "ca.crt"), ca);
    const line = execFileSync("htpasswd", ["-Bbn", options.login.username, options.login.password], {
      encoding: "utf8",
    });
    writeFileSync(join(dir, "htpasswd"), line);
  }
  const config = writeConfig(dir, port, options);
  let output = "";
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const started = spawn(REGISTRY_BINARY, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    started.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    started.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => answers(port, tls, ca), {
      what: `the registry on ${host} to answer /v2/`,
      timeoutMs: 15_000,
    });
  };
  const halt = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGTERM");
    });
  };

  await launch();
  return {
    host,
    port,
    output: () => output,
    pause: halt,
    resume: launch,
    stop: async () => {
      await halt();
      await untagLocal(host);
      rmSync(dir, { recursive: true, force: true });
      if (tls) rmSync(join(CERTS_DIR, host), { recursive: true, force: true });
    },
  };
}

/** Removes the engine's local names under `host/` (tags made by pushes and pulls); images stay. */
async function untagLocal(host: string): Promise<void> {
  const docker = new Docker();
  const images = await docker.listImages({ filters: JSON.stringify({ reference: [`${host}/*`, `${host}/*/*`] }) });
  const names = images.flatMap((image) => [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])]);
  for (const name of names.filter((n) => n.startsWith(`${host}/`))) {
    await docker
      .getImage(name)
      .remove({ noprune: false })
      .catch((error: { statusCode?: number }) => {
        // 404: gone already (a digest name goes with its last tag); 409: a running container still uses it.
        if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
      });
  }
}

interface PushProgress {
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Digest?: string };
}

/**
 * Tags the local image `source` as `target` (registry/repo:tag) and pushes it through the engine,
 * with `login` for this push only. Resolves with the pushed manifest's digest (sha256:…).
 */
export async function pushImage(
  source: string,
  target: string,
  login?: { username: string; password: string; serveraddress: string },
): Promise<string> {
  const docker = new Docker();
  const colon = target.lastIndexOf(":");
  const repo = target.slice(0, colon);
  const tag = target.slice(colon + 1);
  await docker.getImage(source).tag({ repo, tag });
  // Engine 20.10 refuses a push without X-Registry-Auth, so an anonymous push sends an empty one.
  const stream = await docker.getImage(target).push({ authconfig: login ?? {} });
  return new Promise((resolve, reject) => {
    let digest: string | undefined;
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        if (error) reject(error);
        else if (failure) reject(new Error(`pushing ${target} failed: ${failure}`));
        else if (!digest) reject(new Error(`pushing ${target} finished without a digest`));
        else resolve(digest);
      },
      (progress: PushProgress) => {
        const message = progress.errorDetail?.message ?? progress.error;
        if (message && !failure) failure = message;
        if (progress.aux?.Digest) digest = progress.aux.Digest;
      },
    );
  });
}
