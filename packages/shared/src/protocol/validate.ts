// Parses one incoming message: size first (cheap), then its schema. Never throws: the caller
// refuses and logs, and the link stays up.
import type { z } from "zod";
import { MAX_MESSAGE_BYTES } from "./limits";

const utf8 = new TextEncoder();

export type Parsed<T> = { ok: true; data: T } | { ok: false; reason: string };

/**
 * Binary values (terminal data travels as Socket.IO binary attachments) count as their byte length;
 * JSON.stringify would turn a Buffer into an array of numbers several times its size, slowly.
 */
function withoutBinary(value: unknown, depth: number, sizes: { binary: number }): unknown {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    sizes.binary += value.byteLength;
    return null;
  }
  if (depth > 3 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => withoutBinary(item, depth + 1, sizes));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = withoutBinary(item, depth + 1, sizes);
  return copy;
}

export function messageBytes(payload: unknown): number {
  if (payload === undefined) return 0;
  try {
    const sizes = { binary: 0 };
    const plain = withoutBinary(payload, 0, sizes);
    return utf8.encode(JSON.stringify(plain) ?? "").length + sizes.binary;
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
