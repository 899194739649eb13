// The /terminal Socket.IO namespace: browsers attach to one terminal session per socket.
// The handshake must come from our own pages (Origin), carry a valid session cookie, and present a
// single-use attach token minted by `terminal.open` / `terminal.attach` for the same person; the
// permission is checked again here, at attach, through the same shell-access code as tRPC.
// Data is binary both ways: Buffers from the portal arrive in the browser as ArrayBuffers.
import {
  binarySchema,
  parseMessage,
  TERMINAL_CHUNK_MAX_BYTES,
  type TerminalReady,
  terminalSizeSchema,
  toBuffer,
} from "@wheelhouse/shared";
import type { Namespace, Socket } from "socket.io";
import { z } from "zod";
import { readSessionToken } from "../access/session-cookie";
import { resolveSession, type SessionUser } from "../access/sessions";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import type { AttachTokens } from "./attach-tokens";
import { authorizeShell, authorizeShellKind } from "./shell-access";
import type { LiveSession, TerminalManager } from "./terminal-manager";

interface TerminalSocketData {
  user: SessionUser;
  session: LiveSession;
  mode: "control" | "watch";
}

const handshakeSchema = z.object({ token: z.string().min(10).max(200) });
const ackSchema = z.object({
  bytes: z
    .number()
    .int()
    .min(1)
    .max(1 << 30),
});
const inputSchema = binarySchema(TERMINAL_CHUNK_MAX_BYTES);

function refusal(message: string): Error {
  return new Error(message);
}

export function attachTerminalNamespace(
  ns: Namespace,
  services: PortalServices,
  terminals: TerminalManager,
  tokens: AttachTokens,
  originAllowed: (origin: string | undefined, host: string | undefined) => boolean,
) {
  const { db, inventory, logger } = services;

  ns.use(async (socket: Socket, next) => {
    const { headers, address } = socket.handshake;
    if (!originAllowed(headers.origin, headers.host)) {
      next(refusal("This page's origin may not open a Wheelhouse terminal."));
      return;
    }
    try {
      const user = await resolveSession(db, readSessionToken(headers.cookie));
      if (!user) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
      const handshake = parseMessage(handshakeSchema, socket.handshake.auth);
      const grant = handshake.ok ? tokens.redeem(handshake.data.token) : null;
      if (!grant || grant.userId !== user.id) {
        await recordAudit(db, {
          actor: user,
          teamId: user.team.id,
          action: "terminal.attach",
          outcome: "denied",
          ip: address,
          details: { reason: grant ? "token of another person" : "unknown, used or expired token" },
        });
        throw new AppError("FORBIDDEN", "This terminal link has expired or was already used. Open the shell again.");
      }
      let session: LiveSession;
      let mode: "control" | "watch";
      if (grant.kind === "open") {
        const { resolved } = await authorizeShell(db, inventory, user, grant.hostId, grant.target, address);
        session = await terminals.open(user, address, resolved, grant.target, grant.size);
        mode = "control";
      } else {
        const live = terminals.get(grant.sessionId);
        if (!live || live.teamId !== user.team.id) {
          throw new AppError("NOT_FOUND", "This terminal session has ended. Its recording is on the Audit page.");
        }
        await authorizeShellKind(db, user, live.kind, address);
        if (grant.mode === "control" && live.ownerId !== user.id) {
          throw new AppError("FORBIDDEN", "Only the person who opened this session can type in it; you may watch it.");
        }
        if (grant.mode === "watch") {
          await recordAudit(db, {
            actor: user,
            teamId: user.team.id,
            action: "terminal.watch",
            target: { type: "terminal", id: live.id },
            outcome: "success",
            ip: address,
            details: { sessionId: live.id, owner: live.ownerEmail, host: live.hostName, container: live.containerName },
          });
        }
        session = live;
        mode = grant.mode;
      }
      (socket.data as TerminalSocketData) = { user, session, mode };
      next();
    } catch (error) {
      if (!(error instanceof AppError)) logger.error({ err: error }, "could not attach a terminal");
      next(refusal(error instanceof AppError ? error.message : "Could not attach the terminal. It has been logged."));
    }
  });

  ns.on("connection", (socket: Socket) => {
    const { user, session, mode } = socket.data as TerminalSocketData;
    socket.join(`user:${user.id}`);
    const ready: TerminalReady = {
      sessionId: session.id,
      mode,
      kind: session.kind,
      hostId: session.hostId,
      hostName: session.hostName,
      containerName: session.containerName,
      command: session.command,
      owner: session.ownerEmail,
      startedAt: session.startedAt.toISOString(),
    };
    socket.emit("terminal:ready", ready);
    if (terminals.get(session.id) !== session) {
      socket.emit("terminal:ended", { exitCode: null, reason: "closed", message: "The session has ended." });
      socket.disconnect(true);
      return;
    }
    terminals.attach(session, {
      id: socket.id,
      userId: user.id,
      userName: user.name,
      mode,
      output: (data) => socket.emit("terminal:output", data),
      replay: (data) => socket.emit("terminal:replay", data),
      notice: (message) => socket.emit("terminal:notice", { message }),
      ended: (info) => {
        socket.emit("terminal:ended", info);
        socket.disconnect(true);
      },
      kick: (message) => {
        socket.emit("terminal:kicked", { message });
        socket.disconnect(true);
      },
    });

    const refuse = (event: string, reason: string) => {
      logger.warn({ event, reason, sessionId: session.id }, "terminal message refused");
      socket.emit("terminal:refused", { event: event.slice(0, 100), reason: reason.slice(0, 500) });
    };
    socket.on("terminal:input", (payload: unknown) => {
      if (mode !== "control") return refuse("terminal:input", "this session is open read-only for you");
      const data = parseMessage(inputSchema, payload);
      if (!data.ok) return refuse("terminal:input", data.reason);
      terminals.input(session, socket.id, toBuffer(data.data));
    });
    socket.on("terminal:resize", (payload: unknown) => {
      if (mode !== "control") return;
      const size = parseMessage(terminalSizeSchema, payload);
      if (!size.ok) return refuse("terminal:resize", size.reason);
      terminals.resize(session, socket.id, size.data);
    });
    socket.on("terminal:ack", (payload: unknown) => {
      const ack = parseMessage(ackSchema, payload);
      if (!ack.ok) return refuse("terminal:ack", ack.reason);
      terminals.ack(session, socket.id, ack.data.bytes);
    });
    socket.on("terminal:close", () => {
      if (mode !== "control") return refuse("terminal:close", "only the person who opened it can close it");
      void terminals.close(session, "closed");
    });
    socket.on("disconnect", () => {
      const live = terminals.get(session.id);
      if (live) terminals.detach(live, socket.id);
    });
  });

  // A disabled person's shells end at once, not after the grace period.
  services.events.on("sessionsEnded", (userId) => {
    void terminals.closeOwnedBy(userId);
    ns.in(`user:${userId}`).disconnectSockets(true);
  });
}
