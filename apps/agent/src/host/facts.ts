// Facts about this host: name, OS, kernel, CPUs, memory, disk, Docker version.
import { readFileSync, statfsSync } from "node:fs";
import os from "node:os";
import type { HostFacts } from "@wheelhouse/shared";

function osName(): string {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release)?.[1];
    if (pretty) return pretty;
  } catch {
    // No os-release (not Linux): fall back to what Node knows.
  }
  return `${os.type()} ${os.release()}`;
}

export function diskUsage(path = "/"): { used: number; total: number } {
  const stats = statfsSync(path);
  const total = stats.blocks * stats.bsize;
  return { total, used: total - stats.bfree * stats.bsize };
}

export function hostFacts(dockerVersion: string | null): HostFacts {
  return {
    hostname: os.hostname(),
    os: osName(),
    kernel: os.release(),
    arch: os.arch(),
    cpus: Math.max(1, os.cpus().length),
    memoryBytes: os.totalmem(),
    diskBytes: diskUsage().total,
    dockerVersion,
  };
}
