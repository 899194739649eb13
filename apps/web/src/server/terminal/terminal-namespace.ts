// The /terminal Socket.IO namespace: browsers attach to one terminal session per socket.
// The browser gate checks Origin, session cookie and containers.shell; the handshake must also
// present a single-use attach token minted by `terminal.open` / `terminal.attach` for the same
// person, and the permission is checked again here, at attach, through the same shell-access code
// as tRPC. While attached, the gate's re-checks end a shell its owner may no longer hold (recorded
// as "revoked") and stop a watcher who may no longer watch; shell-revocation.ts does the same for
// sessions with no socket attached.
// Data is binary both ways: Buffers from the portal arrive in the browser as ArrayBuffers. The
// events and their schemas: packages/shared/src/terminal/terminal-api.ts.
import {
  parseMessage,
  TERMINAL_EVENTS,
  type TerminalClientEvents,
  type TerminalReady,
  type TerminalServerEvents,
  terminalAckSchema,
  terminalAttachSchema,
  terminalInputSchema,
  terminalResizeSchema,
  toBuffer,
} from "@wheelhouse/shared";
import type { Socket } from "socket.io";
import type { SessionUser } from "../access/sessions";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../errors/app-error";
import type { BrowserGate } from "../realtime/browser-gate";
import type { PortalServices } from "../services";
import type { AttachTokens } from "./attach-tokens";
import { authorizeLiveSession, authorizeShell } from "./shell-access";
import { ShellOwnership, shellRefusal } from "./shell-revocation";
import { END_MESSAGES, type LiveSession, type TerminalManager } from "./terminal-manager";

/** What the handshake admitted: the session and whether this socket types in it or watches it. */
interface Attached {
  session: LiveSession;
  mode: "control" | "watch";
}

/** A /terminal socket with the namespace's event map, so every emit and listener is checked. */
type TerminalSocket = Socket<TerminalClientEvents, TerminalServerEvents>;

export function attachTerminalNamespace(
  gate: BrowserGate,
  services: PortalServices,
  terminals: TerminalManager,
  tokens: AttachTokens,
) {
  const { db, inventory, logger } = services;
  const ownership = new ShellOwnership(services, terminals);

  gate.attach<Attached>({
    name: "/terminal",
    // The least any shell needs; the kind's own permission and the grant are checked in admit.
    permission: "containers.shell",
    admit: async (socket, user, address) => {
      const handshake = parseMessage(terminalAttachSchema, socket.handshake.auth);
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
      if (grant.kind === "open") {
        const { resolved } = await authorizeShell(db, inventory, user, grant.hostId, grant.target, address);
        const session = await terminals.open(user, address, resolved, grant.target, grant.size);
        return { session, mode: "control" };
      }
      const live = terminals.get(grant.sessionId);
      if (!live || live.teamId !== user.team.id) {
        throw new AppError("NOT_FOUND", "This terminal session has ended. Its recording is on the Audit page.");
      }
      await authorizeLiveSession(db, inventory, user, live, address);
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
      return { session: live, mode: grant.mode };
    },
    connection: (gated) => connect(gated.socket, gated.user, gated.extra),
    // The kind's permission and the grant, as they are now (no audit: nobody attempted anything).
    revalidate: async (gated) => {
      const refusal = await shellRefusal(services, gated.user, gated.extra.session);
      if (refusal) await gated.revoke({ cause: "access-changed", message: refusal });
    },
    ending: ({ socket: untyped, user, extra }) => {
      const socket: TerminalSocket = untyped;
      const { session, mode } = extra;
      // The controller's shell ends with its socket; a watcher only stops watching. Decided by who
      // holds the socket, not by whether the manager still lists the session: shell-revocation.ts
      // may be closing the same shell, and its end reaches this socket only after the socket is gone.
      if (mode === "control" && session.ownerId === user.id) {
        socket.emit(TERMINAL_EVENTS.ended, { exitCode: null, reason: "revoked", message: END_MESSAGES.revoked });
        if (terminals.get(session.id) === session) void terminals.close(session, "revoked");
      } else {
        socket.emit(TERMINAL_EVENTS.kicked, { message: "Your access changed: you may no longer watch this session." });
      }
    },
  });

  function connect(socket: TerminalSocket, user: SessionUser, { session, mode }: Attached) {
    if (mode === "control") ownership.controlledFrom(session.id, user.sessionId);
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
    socket.emit(TERMINAL_EVENTS.ready, ready);
    if (terminals.get(session.id) !== session) {
      socket.emit(TERMINAL_EVENTS.ended, { exitCode: null, reason: "closed", message: "The session has ended." });
      socket.disconnect(true);
      return;
    }
    terminals.attach(session, {
      id: socket.id,
      userId: user.id,
      userName: user.name,
      mode,
      output: (data) => socket.emit(TERMINAL_EVENTS.output, data),
      replay: (data) => socket.emit(TERMINAL_EVENTS.replay, data),
      notice: (message) => socket.emit(TERMINAL_EVENTS.notice, { message }),
      ended: (info) => {
        socket.emit(TERMINAL_EVENTS.ended, info);
        socket.disconnect(true);
      },
      kick: (message) => {
        socket.emit(TERMINAL_EVENTS.kicked, { message });
        socket.disconnect(true);
      },
    });

    const refuse = (event: string, reason: string) => {
      logger.warn({ event, reason, sessionId: session.id }, "terminal message refused");
      socket.emit(TERMINAL_EVENTS.refused, { event: event.slice(0, 100), reason: reason.slice(0, 500) });
    };
    // Listeners take `unknown`: the event map says what a browser should send, not what it did.
    socket.on(TERMINAL_EVENTS.input, (payload: unknown) => {
      if (mode !== "control") return refuse(TERMINAL_EVENTS.input, "this session is open read-only for you");
      const data = parseMessage(terminalInputSchema, payload);
      if (!data.ok) return refuse(TERMINAL_EVENTS.input, data.reason);
      terminals.input(session, socket.id, toBuffer(data.data));
    });
    socket.on(TERMINAL_EVENTS.resize, (payload: unknown) => {
      if (mode !== "control") return;
      const size = parseMessage(terminalResizeSchema, payload);
      if (!size.ok) return refuse(TERMINAL_EVENTS.resize, size.reason);
      terminals.resize(session, socket.id, size.data);
    });
    socket.on(TERMINAL_EVENTS.ack, (payload: unknown) => {
      const ack = parseMessage(terminalAckSchema, payload);
      if (!ack.ok) return refuse(TERMINAL_EVENTS.ack, ack.reason);
      terminals.ack(session, socket.id, ack.data.bytes);
    });
    socket.on(TERMINAL_EVENTS.close, () => {
      if (mode !== "control") return refuse(TERMINAL_EVENTS.close, "only the person who opened it can close it");
      void terminals.close(session, "closed");
    });
    socket.on("disconnect", () => {
      const live = terminals.get(session.id);
      if (live) terminals.detach(live, socket.id);
    });
  }
}
