// What the plain HTTP routes outside tRPC and REST share (hooks, Alertmanager, Prometheus service
// discovery): JSON answers that are never cached, a bounded body reader, and the bearer token.
import type { IncomingMessage, ServerResponse } from "node:http";

export function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/** A refusal in the shape the REST API and the CLI already read: `{ error: { message } }`. */
export function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  reply(res, status, { error: { message } }, headers);
}

/** The body as text, or null when it is larger than `maxBytes` (then nothing more is read). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The token of `Authorization: Bearer <token>`, or undefined when the header is missing or malformed. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
}
