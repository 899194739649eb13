// disk.space: free space and free inodes of the file system holding a path (seed sections "disk
// full", "backup"): a disk can be full of inodes (many small files) with gigabytes free.
import { statfs } from "node:fs/promises";
import type { CheckParams } from "@wheelhouse/shared";
import { type CheckContext, type CheckDraft, formatBytes } from "./check-result";

export interface DiskFigures {
  path: string;
  totalBytes: number;
  freeBytes: number;
  freePercent: number;
  totalInodes: number;
  freeInodes: number;
  /** Null when the file system has no fixed inode table (btrfs, some overlays report 0). */
  freeInodesPercent: number | null;
}

export function diskFigures(path: string, stats: Awaited<ReturnType<typeof statfs>>): DiskFigures {
  const totalBytes = Number(stats.blocks) * Number(stats.bsize);
  // bavail, not bfree: the blocks reserved for root are no use to the apps.
  const freeBytes = Number(stats.bavail) * Number(stats.bsize);
  const totalInodes = Number(stats.files);
  const freeInodes = Number(stats.ffree);
  return {
    path,
    totalBytes,
    freeBytes,
    freePercent: totalBytes > 0 ? (freeBytes / totalBytes) * 100 : 0,
    totalInodes,
    freeInodes,
    freeInodesPercent: totalInodes > 0 ? (freeInodes / totalInodes) * 100 : null,
  };
}

export function diskSentence(figures: DiskFigures, params: CheckParams<"disk.space">): { ok: boolean; text: string } {
  const space = `${figures.freePercent.toFixed(1)}% free (${formatBytes(figures.freeBytes)} of ${formatBytes(figures.totalBytes)})`;
  const inodes =
    figures.freeInodesPercent === null
      ? "no fixed inode count"
      : `${figures.freeInodesPercent.toFixed(1)}% of inodes free (${figures.freeInodes} of ${figures.totalInodes})`;
  const problems: string[] = [];
  if (figures.freePercent < params.minFreePercent)
    problems.push(`only ${space}, below ${params.minFreePercent}%: free space (old images, logs, backups)`);
  if (figures.freeInodesPercent !== null && figures.freeInodesPercent < params.minFreeInodesPercent)
    problems.push(`only ${inodes}, below ${params.minFreeInodesPercent}%: many small files fill the inode table`);
  return problems.length > 0
    ? { ok: false, text: `${figures.path}: ${problems.join("; ")}` }
    : { ok: true, text: `${figures.path}: ${space}, ${inodes}` };
}

export async function diskSpace(_context: CheckContext, params: CheckParams<"disk.space">): Promise<CheckDraft> {
  const figures = diskFigures(params.path, await statfs(params.path));
  const { ok, text } = diskSentence(figures, params);
  return {
    outcome: ok ? "pass" : "fail",
    finding: text,
    output: JSON.stringify(figures, null, 2),
    facts: { ...figures },
  };
}
