// What every check answers before run-check.ts adds its duration: the outcome, one sentence a person
// can act on, the raw output and facts. The helpers keep findings to one line and output within the
// catalogue's cap, so no check can send the portal more than the result schema accepts.

import type { CheckAppContext } from "@wheelhouse/shared";
import { CHECK_OUTPUT_MAX_BYTES, type CheckOutcome } from "@wheelhouse/shared";
import type Docker from "dockerode";
import type { NginxManager } from "../nginx/nginx-manager";

export interface CheckDraft {
  outcome: CheckOutcome;
  finding: string;
  output?: string;
  facts?: Record<string, unknown>;
}

/** What a check may use: the engine, the host's nginx, and the incident's app as it is on this host. */
export interface CheckContext {
  docker: Docker;
  nginx: NginxManager;
  app: CheckAppContext | null;
}

/** The result schema allows 1,000 characters of finding. */
const FINDING_MAX_CHARS = 1_000;
const CUT_NOTE = "\n… (output cut: only the first 64 KiB is kept)";

/** One line: newlines become "; " and a long sentence is cut with an ellipsis. */
export function oneLine(text: string): string {
  const flat = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join("; ");
  const line = flat === "" ? "The check said nothing." : flat;
  return line.length > FINDING_MAX_CHARS ? `${line.slice(0, FINDING_MAX_CHARS - 1)}…` : line;
}

/** At most CHECK_OUTPUT_MAX_BYTES of UTF-8, cut on a character boundary with a note saying so. */
export function capOutput(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= CHECK_OUTPUT_MAX_BYTES) return text;
  const room = CHECK_OUTPUT_MAX_BYTES - Buffer.byteLength(CUT_NOTE);
  // Decoding a cut multi-byte character yields U+FFFD; drop it rather than keep half a character.
  const kept = bytes
    .subarray(0, room)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  return `${kept}${CUT_NOTE}`;
}

/** An Error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The Node error code (ENOENT, EACCES…) of a thrown value, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Container ids as people see them. */
export function shortId(containerId: string): string {
  return containerId.slice(0, 12);
}

/** The app this check looks at; a check about "the app" without one cannot run. */
export function requireApp(context: CheckContext, kind: string): CheckAppContext {
  if (!context.app) throw new Error(`${kind} looks at the incident's app, and this incident has no app.`);
  return context.app;
}

/** Human sizes for findings: 1.2 GiB, 300 MiB, 12 KiB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}
