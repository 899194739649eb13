// Debian's real Prometheus (2.42) and Alertmanager (0.25) for tests, each on a loopback port with
// its configuration and storage in a temporary directory. stop() kills the process it started (by
// its own handle, SIGTERM then SIGKILL) and removes the directory.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/free-port.ts";
import { waitFor } from "./wait-for.ts";

const PROMETHEUS_BINARY = "/usr/bin/prometheus";
const ALERTMANAGER_BINARY = "/usr/bin/prometheus-alertmanager";

export interface MonitoringProcess {
  url: string;
  /** Its output so far, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

async function launch(
  name: string,
  binary: string,
  config: string,
  args: (dir: string, port: number) => string[],
): Promise<MonitoringProcess> {
  const dir = mkdtempSync(join(tmpdir(), `wheelhouse-${name}-`));
  const port = await freePort();
  const configFile = join(dir, `${name}.yml`);
  writeFileSync(configFile, config);
  let output = "";
  const child: ChildProcess = spawn(binary, [`--config.file=${configFile}`, ...args(dir, port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) })).status === 200, {
      what: `${name} on ${url} to be ready`,
      timeoutMs: 20_000,
      intervalMs: 200,
      giveUpIf: () => (child.exitCode !== null ? `${name} exited with code ${child.exitCode}: ${output}` : undefined),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

/** Prometheus with `config` (prometheus.yml text), its TSDB in the temporary directory. */
export function startPrometheus(config: string): Promise<MonitoringProcess> {
  return launch("prometheus", PROMETHEUS_BINARY, config, (dir, port) => [
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
}

/** Alertmanager with `config` (alertmanager.yml text), alone: no cluster peers, no gossip port. */
export function startAlertmanager(config: string): Promise<MonitoringProcess> {
  return launch("alertmanager", ALERTMANAGER_BINARY, config, (dir, port) => [
    `--storage.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
  ]);
}
