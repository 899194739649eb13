// What an agent reports about its host: facts (rarely change) and samples (every heartbeat).
import { z } from "zod";

export const hostFactsSchema = z.object({
  hostname: z.string().min(1).max(253),
  os: z.string().max(200),
  kernel: z.string().max(200),
  arch: z.string().max(50),
  cpus: z.number().int().min(1).max(4096),
  memoryBytes: z.number().int().nonnegative(),
  diskBytes: z.number().int().nonnegative(),
  /** Null when the Docker engine does not answer. */
  dockerVersion: z.string().max(100).nullable(),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;

export const metricsSampleSchema = z.object({
  at: z.number().int().positive(),
  cpuPercent: z.number().min(0).max(100),
  memoryUsedBytes: z.number().int().nonnegative(),
  memoryTotalBytes: z.number().int().nonnegative(),
  diskUsedBytes: z.number().int().nonnegative(),
  diskTotalBytes: z.number().int().nonnegative(),
});
export type MetricsSample = z.infer<typeof metricsSampleSchema>;
