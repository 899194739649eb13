// POST /api/agent/enroll: the agent's one plain-HTTP call, made before it has a key.
// Body: { token, facts, version } → { hostId, hostName, agentKey }. Errors: JSON { error: { message } }.
import type { IncomingMessage, ServerResponse } from "node:http";
import { enrollRequestSchema, parseMessage } from "@wheelhouse/shared";
import { recordAudit } from "../audit/audit-log";
import { APP_ERROR_CODES, AppError } from "../errors/app-error";
import { clientAddress } from "../http/client-address";
import type { PortalServices } from "../services";
import { chargeEnrollAttempt } from "./enroll-limiter";
import { redeemEnrollmentToken } from "./enrollment";

const MAX_BODY_BYTES = 64 * 1024;

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AppError("BAD_INPUT", "The enrolment request is too large.");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new AppError("BAD_INPUT", "The enrolment request is not JSON.");
  }
}

export async function handleEnroll(services: PortalServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  try {
    const charged = await chargeEnrollAttempt(ip);
    if (req.method !== "POST") throw new AppError("BAD_INPUT", "Use POST for enrolment.");
    const parsed = parseMessage(enrollRequestSchema, await readJson(req), MAX_BODY_BYTES);
    if (!parsed.ok) throw new AppError("BAD_INPUT", `The enrolment request was refused: ${parsed.reason}`);
    const { host, agentKey, createdById } = await redeemEnrollmentToken(
      services.db,
      parsed.data.token,
      parsed.data.facts,
      parsed.data.version,
    );
    await recordAudit(services.db, {
      actor: null,
      teamId: host.teamId,
      action: "hosts.enroll",
      target: { type: "host", id: host.id },
      outcome: "success",
      ip,
      details: {
        hostName: host.name,
        hostname: parsed.data.facts.hostname,
        version: parsed.data.version,
        tokenCreatedBy: createdById,
      },
    });
    await charged.succeeded();
    services.logger.info({ hostId: host.id, host: host.name }, "host enrolled");
    reply(res, 200, { hostId: host.id, hostName: host.name, agentKey });
  } catch (error) {
    if (error instanceof AppError) {
      // Anonymous: one event per address and window, with a count (audit/refusal-tally.ts).
      await services.refusals.record({
        action: "hosts.enroll",
        outcome: "denied",
        ip,
        details: { reason: error.message },
      });
      reply(res, APP_ERROR_CODES[error.code], { error: { message: error.message } });
      return;
    }
    throw error;
  }
}
