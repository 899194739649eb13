// app.instance.await-healthy: probe the instance over loopback until it answers 2xx/3xx, its container
// stops, or time runs out. Each round asks the engine first, so a crash is reported at once with the
// exit code instead of after the whole timeout.
import { request } from "node:http";
import type { CommandParams, CommandResult } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { unlessMissing } from "./docker-errors";
import { notRunningReason, probeFailure, seconds, timeoutReason } from "./health-reasons";
import { instanceLogs } from "./instances";

export type HealthParams = CommandParams<"app.instance.await-healthy">;
export type HealthOutcome = CommandResult<"app.instance.await-healthy">;

/** Lines of output sent with an unhealthy verdict: enough to show a stack trace's start. */
export const LOG_TAIL_LINES = 50;
const MIN_PROBE_TIMEOUT_MS = 100;
const MAX_PROBE_TIMEOUT_MS = 5_000;

/** `status` is set when the app answered, with a status that is not 2xx/3xx. */
export type ProbeResult = { healthy: true } | { healthy: false; failure: string; status?: number };

/** One GET http://127.0.0.1:port{path}, without keep-alive; 2xx and 3xx are healthy. */
export function probe(port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    try {
      const probeRequest = request(
        {
          host: "127.0.0.1",
          port,
          path: path.startsWith("/") ? path : `/${path}`,
          method: "GET",
          headers: { Connection: "close" },
          agent: false,
          timeout: timeoutMs,
        },
        (response) => {
          response.resume();
          const status = response.statusCode ?? 0;
          resolve(
            status >= 200 && status < 400
              ? { healthy: true }
              : { healthy: false, failure: probeFailure({ status }), status },
          );
        },
      );
      probeRequest.on("timeout", () => probeRequest.destroy(new Error(`no answer within ${seconds(timeoutMs)}`)));
      probeRequest.on("error", (error: NodeJS.ErrnoException) =>
        resolve({ healthy: false, failure: probeFailure(error) }),
      );
      probeRequest.end();
    } catch (error) {
      // node:http refuses some paths (e.g. unescaped characters) before sending anything.
      resolve({ healthy: false, failure: (error as Error).message });
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function awaitHealthy(docker: Docker, params: HealthParams): Promise<HealthOutcome> {
  const { containerId, hostPort, path, timeoutMs, intervalMs } = params;
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  const container = docker.getContainer(containerId);
  const unhealthy = async (reason: string): Promise<HealthOutcome> => ({
    healthy: false,
    reason,
    logTail: await instanceLogs(docker, containerId, LOG_TAIL_LINES),
  });
  /** Why the container cannot answer, if it cannot. */
  const stoppedReason = async (): Promise<string | undefined> => {
    const info = await unlessMissing(() => container.inspect());
    if (!info) return "the container no longer exists";
    return notRunningReason(info.State, info.RestartCount);
  };

  let probes = 0;
  let last: string | undefined;
  for (;;) {
    const roundStartedAt = Date.now();
    const stopped = await stoppedReason();
    if (stopped) return unhealthy(stopped);
    const probeTimeout = Math.min(
      Math.max(intervalMs, 1_000),
      MAX_PROBE_TIMEOUT_MS,
      Math.max(deadline - Date.now(), MIN_PROBE_TIMEOUT_MS),
    );
    const result = await probe(hostPort, path, probeTimeout);
    probes += 1;
    if (result.healthy) return { healthy: true, afterMs: Date.now() - startedAt, probes };
    last = result.failure;
    if (Date.now() >= deadline) break;
    await sleep(Math.max(0, Math.min(roundStartedAt + intervalMs, deadline) - Date.now()));
  }
  // It may have died during the last wait: that is the more useful reason.
  return unhealthy((await stoppedReason()) ?? timeoutReason(path, hostPort, timeoutMs, last));
}
