// container.state: the app's containers on this host as the engine sees them (seed sections
// "container exits immediately", "start failure"): state, exit code, OOM kill, restart count and
// the last log lines, which usually hold the reason ("DATABASE_URL is not set").
import type { CheckParams } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { engineStatus } from "../apps/docker-errors";
import { instanceLogs } from "../apps/instances";
import { type CheckContext, type CheckDraft, requireApp, shortId } from "./check-result";

export interface ContainerState {
  containerId: string;
  name: string;
  /** created, running, restarting, exited, dead, paused; "missing" when the engine has no such container. */
  status: string;
  exitCode: number | null;
  oomKilled: boolean;
  restartCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  lastLines: string[];
}

/** The engine writes 0001-01-01T00:00:00Z for "never". */
function engineTime(value: string | undefined): string | null {
  return value && !value.startsWith("0001-") ? value : null;
}

export async function containerState(docker: Docker, containerId: string, logLines: number): Promise<ContainerState> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(containerId).inspect();
  } catch (error) {
    if (engineStatus(error) !== 404) throw error;
    return {
      containerId,
      name: shortId(containerId),
      status: "missing",
      exitCode: null,
      oomKilled: false,
      restartCount: 0,
      startedAt: null,
      finishedAt: null,
      lastLines: [],
    };
  }
  const state = info.State;
  return {
    containerId,
    name: info.Name.replace(/^\//, ""),
    status: state.Status,
    exitCode: state.Running ? null : state.ExitCode,
    oomKilled: state.OOMKilled,
    restartCount: info.RestartCount,
    startedAt: engineTime(state.StartedAt),
    finishedAt: state.Running ? null : engineTime(state.FinishedAt),
    lastLines: logLines > 0 ? await instanceLogs(docker, containerId, logLines) : [],
  };
}

/** Whether this container is what a serving app needs. */
export function containerHealthy(state: ContainerState): boolean {
  return state.status === "running" && !state.oomKilled;
}

/** Words that mark the line saying why a process stopped, wherever it is among the last lines. */
const TELLING = /\b(error|fatal|panic|exception|traceback|denied|refused|not set|not found|cannot|failed|killed)\b/i;

/**
 * The line of the last ones that most likely says why: the last one with an error word, else the
 * last line. stdout and stderr arrive interleaved, so the cause is not always the very last line.
 */
export function tellingLine(lines: readonly string[]): { line: string; last: boolean } | null {
  const last = lines.at(-1);
  if (last === undefined) return null;
  const index = lines.findLastIndex((line) => TELLING.test(line));
  return index === -1 || index === lines.length - 1
    ? { line: last, last: true }
    : { line: lines[index] ?? last, last: false };
}

/** One clause per container: "container web-1 exited with code 3 after 2 restarts; last line: …". */
export function containerSentence(state: ContainerState): string {
  const restarts = state.restartCount > 0 ? ` after ${state.restartCount} restarts` : "";
  const telling = tellingLine(state.lastLines);
  const lastLine = telling ? `; ${telling.last ? "last line" : "it said"}: ${telling.line}` : "";
  if (state.status === "missing") return `container ${state.name} no longer exists on this host`;
  if (state.oomKilled)
    return `container ${state.name} was killed for using too much memory (OOMKilled, exit code ${state.exitCode ?? "?"})${restarts}${lastLine}`;
  if (state.status === "running") return `container ${state.name} is running${restarts}`;
  if (state.status === "restarting")
    return `container ${state.name} is restarting over and over (exit code ${state.exitCode ?? "?"})${restarts}${lastLine}`;
  if (state.status === "exited" || state.status === "dead")
    return `container ${state.name} exited with code ${state.exitCode ?? "?"}${restarts}${lastLine}`;
  return `container ${state.name} is ${state.status}${lastLine}`;
}

export async function containerStateCheck(
  context: CheckContext,
  params: CheckParams<"container.state">,
): Promise<CheckDraft> {
  const app = requireApp(context, "container.state");
  if (app.instances.length === 0)
    return { outcome: "fail", finding: `${app.appName} has no container on this host`, facts: { containers: [] } };
  const states = await Promise.all(
    app.instances.map((instance) => containerState(context.docker, instance.containerId, params.logLines)),
  );
  const bad = states.filter((state) => !containerHealthy(state));
  const output = states
    .map((state) =>
      [
        `${state.name} (${shortId(state.containerId)}): ${state.status}, exit code ${state.exitCode ?? "-"}, OOMKilled ${state.oomKilled}, restarts ${state.restartCount}, started ${state.startedAt ?? "-"}, finished ${state.finishedAt ?? "-"}`,
        ...state.lastLines.map((line) => `  | ${line}`),
      ].join("\n"),
    )
    .join("\n\n");
  const facts = {
    containers: states.map(({ lastLines: _lines, ...rest }) => rest),
    exitCode: bad[0]?.exitCode ?? null,
    lastLines: (bad[0] ?? states[0])?.lastLines ?? [],
  };
  if (bad.length === 0) {
    const restarts = states.reduce((sum, state) => sum + state.restartCount, 0);
    return {
      outcome: "pass",
      finding: `all ${states.length} containers of ${app.appName} are running (${restarts} restarts in all)`,
      output,
      facts,
    };
  }
  const prefix = states.length > 1 ? `${bad.length} of ${states.length} containers are down: ` : "";
  return { outcome: "fail", finding: `${prefix}${bad.map(containerSentence).join("; ")}`, output, facts };
}
