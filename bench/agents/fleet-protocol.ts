// What the simulated agents say, shared by both sides of the benchmark: the same hello, the same
// heartbeat sample, the same command runner as the real agent.
import type { HostFacts, MetricsSample } from "@wheelhouse/shared";
import { CommandRunner, onlyHandlers } from "../../apps/agent/src/commands/command-runner.ts";

export const FACTS: HostFacts = {
  hostname: "sim",
  os: "Debian GNU/Linux 12 (bookworm)",
  kernel: "6.1.0",
  arch: "x64",
  cpus: 2,
  memoryBytes: 8 * 1024 ** 3,
  diskBytes: 100 * 1024 ** 3,
  dockerVersion: "20.10.24",
};

export function sample(): MetricsSample {
  return {
    at: Date.now(),
    cpuPercent: 3.5,
    memoryUsedBytes: 1024 ** 3,
    memoryTotalBytes: 8 * 1024 ** 3,
    diskUsedBytes: 10 * 1024 ** 3,
    diskTotalBytes: 100 * 1024 ** 3,
  };
}

export function simulatedRunner(): CommandRunner {
  return new CommandRunner(
    onlyHandlers({
      "agent.ping": async () => ({ at: Date.now() }),
      "host.facts": async () => FACTS,
    }),
  );
}
