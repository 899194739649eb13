// bench/api's baseline: a bare node:http handler serving the two requests the benchmark sends
// (GET /api/v1/apps and PATCH /api/v1/apps/{name}) with the portal's own domain functions, so the
// same queries through the same driver (createDb: the Prisma client with the same adapter) and the
// same API key check and audit write; but no routing table, no tRPC or OpenAPI adapter, no zod
// output check, no metrics. What the portal takes beyond this is its HTTP and API stack.
//   DATABASE_URL=… PORT=… node --import tsx bench/api/bare-server.ts   (prints "listening" when ready)
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { resolve } from "node:path";
import { can, updateAppInputSchema } from "@wheelhouse/shared";
import { resolveApiKey } from "../../apps/web/src/server/access/api-keys.ts";
import { getApp, listApps, toAppDto, updateApp } from "../../apps/web/src/server/apps/apps.ts";
import { recordAudit } from "../../apps/web/src/server/audit/audit-log.ts";
import { createSecretBox } from "../../apps/web/src/server/config/secret-box.ts";
import { createDb } from "../../apps/web/src/server/db/client.ts";

const MAX_BODY_BYTES = 64 * 1024;
const databaseUrl = process.env.DATABASE_URL ?? "";
const port = Number(process.env.PORT ?? 0);
if (!databaseUrl || !Number.isInteger(port) || port <= 0) throw new Error("Set DATABASE_URL and PORT.");

const db = createDb(
  databaseUrl.startsWith("file:")
    ? { kind: "sqlite", file: resolve(databaseUrl.slice("file:".length)), url: databaseUrl }
    : { kind: "postgresql", url: databaseUrl },
);
// The benchmark's update sends no secrets, so nothing is sealed with this throw-away key.
const box = createSecretBox(randomBytes(32));

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === "/health") return send(res, 200, { ok: true });
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const user = bearer ? await resolveApiKey(db, bearer) : null;
  if (!user) return send(res, 401, { message: "Sign in first." });
  const url = req.url ?? "/";
  if (req.method === "GET" && url === "/api/v1/apps") {
    if (!can(user.role, "apps.read")) return send(res, 403, { message: "Not allowed." });
    return send(res, 200, { apps: await listApps(db, user.team.id) });
  }
  const name = /^\/api\/v1\/apps\/([a-z0-9-]{1,63})$/.exec(url)?.[1];
  if (req.method === "PATCH" && name) {
    if (!can(user.role, "apps.update")) return send(res, 403, { message: "Not allowed." });
    const input = updateAppInputSchema.parse({ ...((await readJson(req)) as object), name });
    // As the portal's update procedure: the previous hosts are read before the update.
    await getApp(db, user.team.id, name);
    const { app, changed } = await updateApp(db, box, user.team.id, input);
    await recordAudit(db, {
      actor: user,
      teamId: user.team.id,
      action: "apps.update",
      target: { type: "app", id: app.id },
      outcome: "success",
      ip: req.socket.remoteAddress ?? null,
      details: { name: app.name, changed },
    });
    return send(res, 200, { app: await toAppDto(db, app) });
  }
  send(res, 404, { message: "No such route." });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    // The load generator closes its connections when its time is up, mid-request: not a failure.
    if (res.destroyed) return;
    process.stderr.write(`bare-server: ${(error as Error).stack ?? String(error)}\n`);
    if (!res.headersSent) send(res, 500, { message: "failed" });
    else res.end();
  });
});
server.listen(port, "127.0.0.1", () => process.stdout.write("listening\n"));
process.on("SIGTERM", () => {
  server.close();
  void db.$disconnect().finally(() => process.exit(0));
});
