// process.fd-limit: the open-file limit of the app's main process and how many files it has open
// (seed sections "slow responses", "500 errors": "too many open files" under load). Read from
// /proc/PID/limits and /proc/PID/fd of this host; the app's main pid comes from the engine.
import { readdir, readFile } from "node:fs/promises";
import type { CheckParams } from "@wheelhouse/shared";
import { type CheckContext, type CheckDraft, errorCode, requireApp, shortId } from "./check-result";
import { commandLineOf } from "./proc-net-tcp";

/** Open files at or above this share of the soft limit is a finding before it becomes an outage. */
const NEAR_LIMIT = 0.9;

export interface FdLimits {
  soft: number | null;
  hard: number | null;
}

/** The "Max open files" line of /proc/PID/limits; "unlimited" reads as null. */
export function parseOpenFilesLimit(limits: string): FdLimits {
  const line = limits.split("\n").find((entry) => entry.startsWith("Max open files"));
  if (!line) throw new Error('/proc/PID/limits has no "Max open files" line.');
  const [soft, hard] = line.replace("Max open files", "").trim().split(/\s+/);
  const value = (text: string | undefined) => (text === undefined || text === "unlimited" ? null : Number(text));
  return { soft: value(soft), hard: value(hard) };
}

async function mainPid(context: CheckContext): Promise<{ pid: number; who: string }> {
  const app = requireApp(context, "process.fd-limit");
  for (const instance of app.instances) {
    const info = await context.docker.getContainer(instance.containerId).inspect();
    if (info.State.Running && info.State.Pid > 0)
      return { pid: info.State.Pid, who: `${app.appName}'s container ${shortId(instance.containerId)}` };
  }
  throw new Error(`${app.appName} has no running container on this host, so no process to look at.`);
}

export async function fdLimit(context: CheckContext, params: CheckParams<"process.fd-limit">): Promise<CheckDraft> {
  const { pid, who } = params.pid !== undefined ? { pid: params.pid, who: "the host" } : await mainPid(context);
  let limits: FdLimits;
  let open: number;
  try {
    limits = parseOpenFilesLimit(await readFile(`/proc/${pid}/limits`, "utf8"));
    open = (await readdir(`/proc/${pid}/fd`)).length;
  } catch (error) {
    if (errorCode(error) === "ENOENT")
      return { outcome: "fail", finding: `no process ${pid} runs on ${who}`, facts: { pid } };
    if (errorCode(error) === "EACCES")
      throw new Error(`This agent may not read /proc/${pid} (another user's process); run the agent as root.`);
    throw error;
  }
  const commandLine = (await commandLineOf(pid)) ?? "?";
  const facts = { pid, commandLine, softLimit: limits.soft, hardLimit: limits.hard, openFiles: open };
  const soft = limits.soft === null ? "unlimited" : String(limits.soft);
  const described = `pid ${pid} (${commandLine}) on ${who} may open ${soft} files (hard limit ${limits.hard ?? "unlimited"}) and has ${open} open`;
  const output = JSON.stringify(facts, null, 2);
  if (limits.soft !== null && limits.soft < params.minLimit)
    return {
      outcome: "fail",
      finding: `${described}: below ${params.minLimit}; raise its nofile limit (ulimit, the engine's --ulimit or LimitNOFILE)`,
      output,
      facts,
    };
  if (limits.soft !== null && open >= limits.soft * NEAR_LIMIT)
    return {
      outcome: "fail",
      finding: `${described}: close to its limit, "too many open files" is near`,
      output,
      facts,
    };
  return { outcome: "pass", finding: described, output, facts };
}
