// Parses one incoming message: size first (cheap), then its schema. Never throws: the caller
// refuses and logs, and the link stays up.
import type { z } from "zod";
import { MAX_MESSAGE_BYTES } from "./limits";

const utf8 = new TextEncoder();

export type Parsed<T> = { ok: true; data: T } | { ok: false; reason: string };

export function messageBytes(payload: unknown): number {
  if (payload === undefined) return 0;
  try {
    return utf8.encode(JSON.stringify(payload) ?? "").length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export function parseMessage<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  maxBytes = MAX_MESSAGE_BYTES,
): Parsed<z.output<S>> {
  const bytes = messageBytes(payload);
  if (bytes > maxBytes) return { ok: false, reason: `message of ${bytes} bytes is over the ${maxBytes}-byte limit` };
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    return { ok: false, reason: `malformed: ${issues.join("; ")}` };
  }
  return { ok: true, data: result.data };
}
