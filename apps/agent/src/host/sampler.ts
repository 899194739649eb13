// CPU, memory and disk use, sampled for each heartbeat. CPU is the busy share of all cores since
// the previous sample; memory counts what the kernel says is available (MemAvailable), not "free".
import { readFileSync } from "node:fs";
import os from "node:os";
import type { MetricsSample } from "@wheelhouse/shared";
import { diskUsage } from "./facts";

function cpuTimes() {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { idle, total };
}

function memoryAvailable(): number {
  try {
    const kb = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // Not Linux.
  }
  return os.freemem();
}

export function createSampler() {
  let previous = cpuTimes();
  return function sample(): MetricsSample {
    const current = cpuTimes();
    const total = current.total - previous.total;
    const busy = total - (current.idle - previous.idle);
    previous = current;
    const disk = diskUsage();
    const memoryTotal = os.totalmem();
    return {
      at: Date.now(),
      cpuPercent: total > 0 ? Math.min(100, Math.max(0, (busy / total) * 100)) : 0,
      memoryUsedBytes: Math.max(0, memoryTotal - memoryAvailable()),
      memoryTotalBytes: memoryTotal,
      diskUsedBytes: disk.used,
      diskTotalBytes: disk.total,
    };
  };
}
