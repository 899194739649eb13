// Is a process still the one we mean? A pid alone is not enough: once a process ends, the kernel
// hands its number to a later process. On Linux the start time in /proc/<pid>/stat tells the two
// apart; where /proc is missing only "some process has this pid" can be checked.
import { readFileSync } from "node:fs";

export interface ProcessIdentity {
  pid: number;
  /** Clock ticks after boot at which it started (Linux), or null where that cannot be read. */
  startTime: string | null;
}

interface StatFields {
  state: string;
  startTime: string;
}

function readStat(pid: number): StatFields | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Field 2, the command name, is in parentheses and may hold spaces: count from the last ")".
  // What follows starts at field 3 (state); the start time is field 22.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : null;
}

export function identify(pid: number): ProcessIdentity {
  return { pid, startTime: readStat(pid)?.startTime ?? null };
}

/** Whether the process is still running: not ended, not a zombie, not a later process with its pid. */
export function isRunning(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = readStat(identity.pid);
  if (stat === null) return identity.startTime === null;
  // A zombie has ended; it only waits for its parent to collect its exit status.
  if (stat.state === "Z") return false;
  return identity.startTime === null || stat.startTime === identity.startTime;
}
