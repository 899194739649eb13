// The sentences an unhealthy instance is explained with; a person reads them on the deployment page.

/** "10 s", "1.5 s", "0.3 s": seconds with at most one decimal ("0.04 s" below 0.05 s). */
export function seconds(ms: number): string {
  // Under a tenth of a second (a process that fails at once): two decimals rather than "0 s".
  if (ms < 50) return `${(Math.max(ms, 0) / 1000).toFixed(2)} s`;
  const value = Math.round(ms / 100) / 10;
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)} s`;
}

/** What inspect says about a container's state; times are the engine's ISO strings. */
export interface ContainerStateView {
  Status: string;
  ExitCode: number;
  OOMKilled: boolean;
  Error?: string;
  StartedAt: string;
  FinishedAt: string;
}

/** Docker writes "0001-01-01T00:00:00Z" for "never". */
function time(value: string): number | undefined {
  if (value.startsWith("0001-")) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Why a container cannot become healthy, or undefined while it runs (or is paused, which a timeout
 * will name). "restarting" means it exited and its restart policy brings it back: still a failed start.
 */
export function notRunningReason(state: ContainerStateView, restartCount: number): string | undefined {
  switch (state.Status) {
    case "running":
    case "paused":
      return undefined;
    case "created":
      return "the container was created but never started";
    case "removing":
      return "the container is being removed";
    default:
      return exitReason(state, restartCount);
  }
}

/** "the container exited with code 1 after 0.3 s", with the OOM killer, the engine's error and restarts when there are. */
export function exitReason(state: ContainerStateView, restartCount: number): string {
  const started = time(state.StartedAt);
  const finished = time(state.FinishedAt);
  // A process that fails at once can be recorded as finished a moment before it was started.
  const ran =
    started !== undefined && finished !== undefined ? ` after ${seconds(Math.max(finished - started, 0))}` : "";
  const parts = [`the container exited with code ${state.ExitCode}${ran}`];
  if (state.OOMKilled) parts.push("(OOMKilled: it ran out of memory)");
  if (state.Error) parts.push(`(${state.Error})`);
  if (state.Status === "restarting") {
    parts.push(
      `and is being restarted by its restart policy (${restartCount} ${restartCount === 1 ? "restart" : "restarts"} so far)`,
    );
  }
  return parts.join(" ");
}

/** "no healthy answer from /health on port 20001 within 10 s (last: HTTP 404)". */
export function timeoutReason(path: string, port: number, timeoutMs: number, last: string | undefined): string {
  return `no healthy answer from ${path} on port ${port} within ${seconds(timeoutMs)} (last: ${last ?? "no probe finished"})`;
}

/** How a failed probe is named in the timeout reason: "HTTP 404", "connection refused", "no answer within 2 s". */
export function probeFailure(error: { code?: string; message: string } | { status: number }): string {
  if ("status" in error) return `HTTP ${error.status}`;
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "EPIPE":
      return "connection closed";
    default:
      return error.message;
  }
}
