// Stops the agent with the process it belongs to (WHEELHOUSE_AGENT_STOP_WITH_PID): the quick
// start's local agent lives as long as its portal, however the portal ended, SIGKILL included.
// Polling the pid works whoever started whom; a signal from the dying portal could not (SIGKILL
// gives it no last word), and a parent-death signal only covers the direct parent, which here is
// a shell script.
import { identify, isRunning } from "./process-identity";

const WATCH_INTERVAL_MS = 1_000;

/** Calls onGone once the process ends (at once if it is not running now). */
export function watchProcess(pid: number, onGone: () => void): void {
  const watched = identify(pid);
  const check = () => {
    if (isRunning(watched)) return;
    clearInterval(timer);
    onGone();
  };
  const timer = setInterval(check, WATCH_INTERVAL_MS);
  // The first check runs after start-up has finished, so onGone never races the caller's set-up.
  setImmediate(check);
}
