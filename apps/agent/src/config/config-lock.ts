// One agent per config directory (and so per key): `run` holds <config dir>/agent.lock, a file
// naming its process. Two agents on one key replace each other at the portal about once a second.
//
// Why a pid file and not proper-lockfile's mtime lock: a lock left by an agent killed with SIGKILL
// must be taken over at once (systemd restarts the agent after 5 s), and a process that is still
// running must be told apart from one that ended. The file names the holder's pid and start time
// (process-identity.ts), so a dead holder, or a later process that got its pid, is seen at once.
// Node has no flock(2), which would need neither. Created with link(2), the file appears whole or
// not at all. Two agents taking over one stale lock in the same instant both rename theirs over it;
// each reads it back after a pause and only the one it names goes on, and a running agent checks
// every few seconds that the file still names it (and stops if not).
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { identify, isRunning, type ProcessIdentity } from "../lifecycle/process-identity";

/** Exit code of a second `wheelhouse-agent run` on a directory another running agent holds (EX_TEMPFAIL). */
export const EXIT_CONFIG_LOCKED = 75;
/** How long a takeover waits before reading the lock back (another takeover in the same instant loses). */
const TAKEOVER_SETTLE_MS = 100;
const CHECK_INTERVAL_MS = 5_000;

const holderSchema = z.object({
  pid: z
    .number()
    .int()
    .positive()
    .max(2 ** 31),
  startTime: z.string().max(40).nullable(),
});

export class ConfigLockedError extends Error {}

export interface ConfigLock {
  path: string;
  /** Calls onLost (once) if another process takes the lock over. */
  watch(onLost: (holder: ProcessIdentity | null) => void): void;
  /** Removes the lock if it still names this process. */
  release(): void;
}

function lockPath(configDir: string): string {
  return join(configDir, "agent.lock");
}

function readHolder(path: string): ProcessIdentity | null | "absent" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw error;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function lockedMessage(configDir: string, holder: ProcessIdentity): string {
  return `another agent (PID ${holder.pid}) is already running with ${configDir}; one key serves one agent. Stop that agent first (its lock is ${lockPath(configDir)}).`;
}

function sleepSync(ms: number): void {
  // Start-up only, before anything else runs: blocking here is simpler than making run() async.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the config directory's lock, or throws ConfigLockedError naming the agent that holds it. */
export function lockConfigDir(configDir: string): ConfigLock {
  const path = lockPath(configDir);
  const me = identify(process.pid);
  const mine = (holder: ProcessIdentity | null | "absent") =>
    holder !== null && holder !== "absent" && holder.pid === me.pid && holder.startTime === me.startTime;
  const draft = `${path}.${process.pid}.tmp`;
  writeFileSync(draft, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = readHolder(path);
      if (holder === "absent") continue; // Released between our two steps: try again.
      // A file we cannot read as a holder was not written by a running agent of this version.
      if (holder !== null && holder.pid !== me.pid && isRunning(holder)) {
        throw new ConfigLockedError(lockedMessage(configDir, holder));
      }
      renameSync(draft, path);
      sleepSync(TAKEOVER_SETTLE_MS);
      const after = readHolder(path);
      if (mine(after)) break;
      if (after !== null && after !== "absent") throw new ConfigLockedError(lockedMessage(configDir, after));
      writeFileSync(draft, `${JSON.stringify(me)}\n`, { mode: 0o600 });
    }
  } finally {
    // Gone already when it was renamed into place (a takeover).
    rmSync(draft, { force: true });
  }
  if (!mine(readHolder(path))) throw new ConfigLockedError(`could not take the lock ${path}; try again.`);
  return {
    path,
    watch(onLost) {
      const timer = setInterval(() => {
        const holder = readHolder(path);
        if (mine(holder)) return;
        clearInterval(timer);
        onLost(holder === "absent" ? null : holder);
      }, CHECK_INTERVAL_MS);
      timer.unref();
    },
    release() {
      if (mine(readHolder(path))) rmSync(path, { force: true });
    },
  };
}
