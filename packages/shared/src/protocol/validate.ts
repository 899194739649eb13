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

/** True when a binary value sits within the depth that `withoutBinary` replaces. */
function holdsBinary(value: unknown, depth: number): boolean {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return true;
  if (depth > 3 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) {
    // Arrays of plain values (a log batch's lines hold objects of strings) are the common case.
    for (const item of value)
      if (typeof item === "object" && item !== null && holdsBinary(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && holdsBinary(item, depth + 1)) return true;
  }
  return false;
}

/** UTF-8 length of a string: Node's Buffer counts without encoding; browsers encode. */
const nodeBuffer = (globalThis as { Buffer?: { byteLength(text: string, encoding: "utf8"): number } }).Buffer;
const utf8Length = (text: string) => (nodeBuffer ? nodeBuffer.byteLength(text, "utf8") : utf8.encode(text).length);

export function messageBytes(payload: unknown): number {
  if (payload === undefined) return 0;
  try {
    // Most messages carry no binary: measure them as they are, without copying them first.
    if (!holdsBinary(payload, 0)) return utf8Length(JSON.stringify(payload) ?? "");
    const sizes = { binary: 0 };
    const plain = withoutBinary(payload, 0, sizes);
    return utf8Length(JSON.stringify(plain) ?? "") + sizes.binary;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * True when `name` is one of `map`'s own keys. A peer's event or command name must be looked up this
 * way, never with `in` or by indexing: those also find what every object inherits ("constructor",
 * "__proto__", "toString"), and a handler table would then call a function that is not a handler.
 */
export function isOwnKey<T extends object>(map: T, name: string): name is Extract<keyof T, string> {
  return Object.hasOwn(map, name);
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
