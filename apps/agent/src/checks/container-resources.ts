// container.resources: memory and CPU of the app's containers against their limits (seed sections
// "high memory", "slow responses"), from one engine stats sample each. Memory excludes the page
// cache the kernel can drop, as `docker stats` does, so a busy file server does not look leaky.
import type { CheckParams } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { type CheckContext, type CheckDraft, formatBytes, requireApp, shortId } from "./check-result";

export interface ResourceSample {
  containerId: string;
  memoryBytes: number;
  memoryLimitBytes: number;
  /** Whether the limit is the container's own, not just the host's memory. */
  memoryLimited: boolean;
  memoryPercent: number;
  /** 100 = one CPU fully busy. */
  cpuPercent: number;
}

/** The figures `docker stats` shows, computed from one stats answer (which carries the previous sample too). */
export function sampleOf(containerId: string, stats: Docker.ContainerStats, hostMemoryBytes: number): ResourceSample {
  const memory = stats.memory_stats;
  const cache = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? memory.stats?.cache ?? 0;
  const memoryBytes = Math.max(0, (memory.usage ?? 0) - cache);
  const memoryLimitBytes = memory.limit ?? hostMemoryBytes;
  const cpuDelta = stats.cpu_stats.cpu_usage.total_usage - (stats.precpu_stats.cpu_usage?.total_usage ?? 0);
  const systemDelta = (stats.cpu_stats.system_cpu_usage ?? 0) - (stats.precpu_stats.system_cpu_usage ?? 0);
  const cpus = stats.cpu_stats.online_cpus ?? stats.cpu_stats.cpu_usage.percpu_usage?.length ?? 1;
  return {
    containerId,
    memoryBytes,
    memoryLimitBytes,
    memoryLimited: memoryLimitBytes > 0 && memoryLimitBytes < hostMemoryBytes,
    memoryPercent: memoryLimitBytes > 0 ? (memoryBytes / memoryLimitBytes) * 100 : 0,
    cpuPercent: systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0,
  };
}

export function resourceSentence(sample: ResourceSample): string {
  const limit = sample.memoryLimited
    ? `of its ${formatBytes(sample.memoryLimitBytes)} limit`
    : `of the host's ${formatBytes(sample.memoryLimitBytes)} (no memory limit set)`;
  return `container ${shortId(sample.containerId)} uses ${formatBytes(sample.memoryBytes)} (${sample.memoryPercent.toFixed(0)}% ${limit}) and ${sample.cpuPercent.toFixed(0)}% CPU`;
}

export async function containerResources(
  context: CheckContext,
  params: CheckParams<"container.resources">,
): Promise<CheckDraft> {
  const app = requireApp(context, "container.resources");
  if (app.instances.length === 0)
    return { outcome: "fail", finding: `${app.appName} has no container on this host`, facts: {} };
  const hostMemory = (await context.docker.info()).MemTotal as number;
  const samples = await Promise.all(
    app.instances.map(async ({ containerId }) =>
      sampleOf(containerId, await context.docker.getContainer(containerId).stats({ stream: false }), hostMemory),
    ),
  );
  const over = samples.filter(
    (sample) => sample.memoryPercent > params.maxMemoryPercent || sample.cpuPercent > params.maxCpuPercent,
  );
  const output = samples.map(resourceSentence).join("\n");
  const facts = { samples };
  if (over.length === 0) {
    const top = [...samples].sort((a, b) => b.memoryPercent - a.memoryPercent)[0];
    return {
      outcome: "pass",
      finding: `within limits: ${top ? resourceSentence(top) : "no samples"}`,
      output,
      facts,
    };
  }
  const limits = `limits for this step: memory ${params.maxMemoryPercent}%, CPU ${params.maxCpuPercent}%`;
  return { outcome: "fail", finding: `${over.map(resourceSentence).join("; ")} (${limits})`, output, facts };
}
