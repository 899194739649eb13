// `GET /apps/{name}/logs` (REST, the CLI): every instance's lines, read and filtered at each agent,
// merged in time order and tagged with their instance. The answer carries an opaque cursor (each
// instance's last timestamp and count); passing it back returns only what came after, and with
// `waitMs` the call waits for new lines (a long poll: `wheelhouse logs --follow`).
import {
  type AppLogLine,
  type AppLogs,
  type AppLogsInput,
  CursorTracker,
  type LogCursor,
  logCursorSchema,
  parseSince,
  timestampOf,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { AgentRegistry } from "../hosts/agent-registry";
import type { PortalMetrics } from "../metrics/registry";
import { appSources } from "./log-targets";

const cursorMapSchema = z.record(z.string().max(200), logCursorSchema);
const POLL_MS = 500;
const DEFAULT_TAIL = 100;

function decodeCursor(cursor: string | undefined): Record<string, LogCursor> | null {
  if (!cursor) return null;
  try {
    return cursorMapSchema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new AppError("BAD_INPUT", "That cursor is not one this portal gave out. Start again without it.");
  }
}

function encodeCursor(cursor: Record<string, LogCursor>): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export interface AppLogDependencies {
  db: Db;
  agents: AgentRegistry;
  metrics: Pick<PortalMetrics, "logLinesRelayed">;
  sleep?: (ms: number) => Promise<void>;
}

export async function readAppLogs(deps: AppLogDependencies, teamId: string, input: AppLogsInput): Promise<AppLogs> {
  let since: string | undefined;
  if (input.since) {
    try {
      since = parseSince(input.since).toISOString();
    } catch (error) {
      throw new AppError("BAD_INPUT", (error as Error).message);
    }
  }
  const limit = input.tail ?? (since ? 5_000 : DEFAULT_TAIL);
  const cursor = decodeCursor(input.cursor);
  const deadline = Date.now() + (cursor ? (input.waitMs ?? 0) : 0);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    const sources = await appSources(deps.db, teamId, input.name);
    const readAt = timestampOf(new Date());
    const results = await Promise.allSettled(
      sources.map((source) =>
        deps.agents.command(source.hostId, "logs.read", {
          source: source.source,
          start: since ? { since } : { tail: limit },
          ...(cursor?.[source.key] ? { resume: cursor[source.key] } : {}),
          filter: { ...(input.grep ? { grep: input.grep } : {}), ...(input.level ? { minLevel: input.level } : {}) },
          limit,
        }),
      ),
    );
    const lines: AppLogLine[] = [];
    const next: Record<string, LogCursor> = { ...cursor };
    const read: string[] = [];
    results.forEach((result, index) => {
      const source = sources[index];
      if (!source || result.status !== "fulfilled") return;
      read.push(source.label);
      const tracker = new CursorTracker(cursor?.[source.key]);
      for (const line of result.value.lines) {
        tracker.advance(line.ts);
        lines.push({
          instance: source.label,
          ts: line.ts,
          text: line.text,
          level: line.level,
          ...(line.err ? { err: true } : {}),
        });
      }
      next[source.key] = tracker.cursor ?? { ts: readAt, count: 0 };
    });
    if (sources.length > 0 && read.length === 0) {
      const first = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      throw new AppError(
        "NOT_READY",
        `No instance's log could be read: ${(first?.reason as Error)?.message ?? "unknown"}`,
      );
    }
    lines.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    if (lines.length > 0 || Date.now() + POLL_MS > deadline) {
      deps.metrics.logLinesRelayed.inc(lines.length);
      return { lines, cursor: encodeCursor(next), instances: read };
    }
    await sleep(POLL_MS);
  }
}
