// Running the nginx binary (always an argument array, never a shell string) and watching its
// processes through /proc: which pid is the master of our prefix, its workers, whether it is alive.
import { execFile } from "node:child_process";
import { open, readdir, readFile, stat } from "node:fs/promises";

export const NGINX_MISSING = "nginx is not installed on this host (apt-get install nginx-light)";

export class NginxMissingError extends Error {
  constructor() {
    super(NGINX_MISSING);
  }
}

export interface NginxRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs `nginx ARGS…`. Resolves whatever the exit code (callers decide what a failure means and quote
 * nginx's stderr); rejects only when the binary does not exist.
 */
export function execNginx(binary: string, args: string[], timeoutMs = 30_000): Promise<NginxRun> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { encoding: "utf8", timeout: timeoutMs, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === "ENOENT") reject(new NginxMissingError());
        else if (error?.killed) resolve({ ok: false, stdout, stderr: `${stderr}\n(no answer within ${timeoutMs} ms)` });
        else resolve({ ok: error === null, stdout, stderr });
      },
    );
  });
}

/**
 * The executable to run and its version. A bare name is tried as given (PATH), then in /usr/sbin,
 * where Debian puts nginx and which a service's PATH often lacks.
 */
export async function findNginx(binary: string): Promise<{ binary: string; version: string | null }> {
  const candidates = binary.includes("/") ? [binary] : [binary, `/usr/sbin/${binary}`];
  for (const candidate of candidates) {
    try {
      const run = await execNginx(candidate, ["-v"], 10_000);
      return { binary: candidate, version: /nginx\/(\S+)/.exec(run.stderr)?.[1] ?? null };
    } catch (error) {
      if (!(error instanceof NginxMissingError)) throw error;
    }
  }
  throw new NginxMissingError();
}

export async function readPidFile(path: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(path, "utf8")).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The process's title as `ps` shows it (nginx rewrites its own), or null when there is no such process. */
export async function processTitle(pid: number): Promise<string | null> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0+/g, " ").trim();
  } catch {
    // No such process (ENOENT) or it exited while we read: either way it is not there.
    return null;
  }
}

/** Alive means present and not a zombie waiting for its parent (daemonised nginx is not our child). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const line = await readFile(`/proc/${pid}/stat`, "utf8");
    const state = line.slice(line.lastIndexOf(")") + 2, line.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** True when pid is a live nginx master started with `-p prefix`. */
export async function isMasterOf(pid: number, prefix: string): Promise<boolean> {
  const title = await processTitle(pid);
  if (title === null || !title.startsWith("nginx: master process")) return false;
  return (` ${title} `.includes(` -p ${prefix} `) || ` ${title} `.includes(` -p ${prefix}/ `)) && (await isAlive(pid));
}

/**
 * Live children of a process (an nginx master's workers). The kernel lists a thread's children in
 * /proc/PID/task/PID/children (a single-threaded nginx master's main thread has them all): one read,
 * where scanning every process's parent pid takes tens of milliseconds, and a deploy waits on this.
 */
export async function childPids(parent: number): Promise<number[]> {
  try {
    const listed = await readFile(`/proc/${parent}/task/${parent}/children`, "utf8");
    const pids = listed
      .split(" ")
      .filter((pid) => /^\d+$/.test(pid))
      .map(Number);
    // An exited worker the master has not reaped yet is listed too: it is no longer a worker.
    const live = await Promise.all(pids.map(async (pid) => ((await isZombieOrGone(pid)) ? null : pid)));
    return live.filter((pid): pid is number => pid !== null);
  } catch {
    // Kernels built without CONFIG_PROC_CHILDREN: find them through each process's parent pid.
    return scanChildPids(parent);
  }
}

async function isZombieOrGone(pid: number): Promise<boolean> {
  try {
    const line = await readFile(`/proc/${pid}/stat`, "utf8");
    return line.slice(line.lastIndexOf(")") + 2, line.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true;
  }
}

async function scanChildPids(parent: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const line = await readFile(`/proc/${entry}/stat`, "utf8");
      const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === parent && fields[0] !== "Z") children.push(Number(entry));
    } catch {
      // The process exited between readdir and readFile: it is nobody's child any more.
    }
  }
  return children;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until check() returns true; false when timeoutMs passed first. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

/** What a log file gained since offset, capped at the last 16 KiB. */
export async function readSince(path: string, offset: number): Promise<string> {
  const size = await fileSize(path);
  if (size <= offset) return "";
  const start = Math.max(offset, size - 16 * 1024);
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}
