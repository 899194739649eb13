// Which agent processes run, seen from /proc as `ps` would: the tests' oracle for "one agent per
// key". An agent process is a node running `run` from the agent's cli.ts (through tsx) or from a
// wheelhouse-agent.mjs (the bundle, or the bin wrapper running it in-process); its config directory
// is the WHEELHOUSE_AGENT_CONFIG_DIR in its environment (readable for processes of our own user).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

function readProc(pid: string, file: string): string | null {
  try {
    return readFileSync(join("/proc", pid, file), "utf8");
  } catch {
    return null; // Ended meanwhile, or another user's.
  }
}

/** PIDs of running `wheelhouse-agent run` processes (the agent itself, not its bin wrapper) using this directory. */
export function agentPidsFor(configDir: string): number[] {
  const found = new Map<number, number>(); // pid → parent pid
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const argv = readProc(pid, "cmdline")?.split("\0") ?? [];
    const agentEntry = (arg: string) => arg.endsWith("apps/agent/src/cli.ts") || arg.endsWith("wheelhouse-agent.mjs");
    if (!argv.some(agentEntry) || !argv.includes("run")) continue;
    const stat = readProc(pid, "stat");
    if (stat === null || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
    const env = readProc(pid, "environ")?.split("\0") ?? [];
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (env.includes(`WHEELHOUSE_AGENT_CONFIG_DIR=${configDir}`)) found.set(Number(pid), parent);
  }
  // A wrapper that runs the agent as its child (the bin wrapper without a bundle) is not the agent.
  const parents = new Set(found.values());
  return [...found.keys()].filter((pid) => !parents.has(pid));
}

/** Whether a process with this pid runs (and is not a zombie). */
export function processRuns(pid: number): boolean {
  const stat = readProc(String(pid), "stat");
  return stat !== null && !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

/** The value of one series in Prometheus text, e.g. metricValue(text, "x_total", { outcome: "accepted" }). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(",");
  const prefix = wanted ? `${name}{${wanted}} ` : `${name} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** wheelhouse_agent_connections_total by outcome. */
export async function agentConnections(
  portalUrl: string,
): Promise<Record<"accepted" | "replaced" | "refused", number>> {
  const text = await (await fetch(`${portalUrl}/metrics`)).text();
  const value = (outcome: string) => metricValue(text, "wheelhouse_agent_connections_total", { outcome }) ?? Number.NaN;
  return { accepted: value("accepted"), replaced: value("replaced"), refused: value("refused") };
}
