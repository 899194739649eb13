// The one gate for every browser Socket.IO namespace (/ui, /logs, /terminal and any later one).
// At the handshake: the Origin must be our own pages, the session cookie must name a signed-in
// person, and that person's role must hold the namespace's base permission; every refusal is
// written to the audit trail. Per event: `gated.authorize(action)` re-reads the session, so a
// permission is checked as it is now. While connected: a role or grant change, a sign-out or a
// disabled account (services.events) re-checks that person's sockets at once, and a sweep every
// 30 s re-checks all of them (the safety net for a change made by another portal process).
// Why it is the only way to open a browser namespace: docs/decisions/015-one-browser-socket-gate.md.
import { type Action, can } from "@wheelhouse/shared";
import type { Namespace, Server, Socket } from "socket.io";
import { authorize } from "../access/authorize";
import { SETUP_REQUIRED_MESSAGE } from "../access/second-factor-gate";
import { readSessionToken } from "../access/session-cookie";
import { resolveSession, resolveSessionById, type SessionUser } from "../access/sessions";
import { type AuditEntry, recordAudit } from "../audit/audit-log";
import { AppError } from "../errors/app-error";
import { clientAddress } from "../http/client-address";
import type { PortalServices } from "../services";

/** How often every live browser socket is checked again, whatever this process heard. */
export const REVALIDATE_EVERY_MS = 30_000;
/** The agents' namespace authenticates with agent keys (agent-namespace.ts), not with this gate. */
const AGENT_NAMESPACE = "/agent";

export interface Revocation {
  cause: "signed-out" | "access-changed" | "team-changed";
  message: string;
}

/** A browser socket that passed the gate: its person (kept current by re-checks) and what its namespace admitted. */
export interface GatedSocket<Extra> {
  readonly socket: Socket;
  readonly namespace: string;
  readonly ip: string;
  readonly extra: Extra;
  /** The person as of the last check. */
  user: SessionUser;
  /** Re-reads the session and checks `action` (a refusal is audited); throws UNAUTHENTICATED or FORBIDDEN. */
  authorize(action: Action): Promise<SessionUser>;
  /** Ends this socket because its person may no longer hold it. */
  revoke(revocation: Revocation): Promise<void>;
}

export interface BrowserNamespaceSpec<Extra> {
  name: `/${string}`;
  /** What a person must hold to open this namespace at all. */
  permission: Action;
  /** More handshake checks (the terminal's attach token); throw an AppError to refuse, and audit it. */
  admit?: (socket: Socket, user: SessionUser, ip: string) => Promise<Extra>;
  connection: (gated: GatedSocket<Extra>) => void;
  /**
   * After a re-check found the person still signed in with the base permission (`gated.user` is
   * current): end what they may no longer hold (a log stream, a shell), or call `gated.revoke`.
   */
  revalidate?: (gated: GatedSocket<Extra>, previous: SessionUser) => Promise<void>;
  /** The socket is about to close because of `revocation`: tell the page why, end what it holds. */
  ending?: (gated: GatedSocket<Extra>, revocation: Revocation) => Promise<void> | void;
}

const FOREIGN_ORIGIN = "This page's origin may not open a Wheelhouse socket.";
const SIGNED_OUT: Revocation = {
  cause: "signed-out",
  message: "Your session has ended. Sign in again to continue.",
};
/**
 * A socket belongs to the team its session worked in at connect (it joined that team's rooms and
 * streams): once the session works in another team, or the person left it, the socket ends and
 * the page reconnects in the team it now shows.
 */
const TEAM_CHANGED: Revocation = {
  cause: "team-changed",
  message: "You are now working in another team. Reload the page to continue there.",
};

/** Browsers send Origin on WebSocket upgrades; only our own pages may open a socket with our cookie. */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (!origin) return false;
  if (origin === new URL(publicUrl).origin) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

interface Entry {
  gated: GatedSocket<unknown>;
  spec: BrowserNamespaceSpec<unknown>;
  /** Set once the socket is being closed, so concurrent re-checks end it once. */
  revoked: boolean;
  /** The team the socket was admitted in (TEAM_CHANGED). */
  readonly teamId: string;
}

export class BrowserGate {
  private readonly live = new Set<Entry>();
  /** What the handshake admitted, until the socket's connection handler takes it. */
  private readonly admitted = new WeakMap<Socket, Entry>();
  private readonly names = new Set<string>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly io: Server,
    private readonly services: PortalServices,
  ) {
    // A namespace opened beside the gate would skip Origin, session and audit: stop at start-up.
    io.on("new_namespace", (ns: Namespace) => {
      if (ns.name === AGENT_NAMESPACE || this.names.has(ns.name)) return;
      throw new Error(`Socket.IO namespace ${ns.name} was opened outside the browser gate (realtime/browser-gate.ts).`);
    });
    const { events } = services;
    events.on("sessionsEnded", (userId) => this.recheck((entry) => entry.gated.user.id === userId));
    events.on("sessionEnded", (sessionId) => this.recheck((entry) => entry.gated.user.sessionId === sessionId));
    events.on("accessChanged", (userId) => this.recheck((entry) => entry.gated.user.id === userId));
    events.on("teamAccessChanged", (teamId) => this.recheck((entry) => entry.teamId === teamId));
    this.sweep = setInterval(() => this.recheck(() => true), REVALIDATE_EVERY_MS);
    this.sweep.unref();
  }

  /** Opens a browser namespace behind the gate; the only way to open one. */
  attach<Extra>(spec: BrowserNamespaceSpec<Extra>): Namespace {
    if (spec.name === AGENT_NAMESPACE || this.names.has(spec.name)) {
      throw new Error(`The browser namespace ${spec.name} is already taken.`);
    }
    this.names.add(spec.name);
    const ns = this.io.of(spec.name);
    ns.use((socket, next) => {
      this.admit(spec, socket).then(
        () => next(),
        (caught: unknown) => {
          // A full disk (an audited refusal could not be written) is a sentence, logged once a minute.
          const error = this.services.writes.diskFullError(caught) ?? caught;
          if (!(error instanceof AppError)) {
            this.services.logger.error({ err: error, namespace: spec.name }, "could not check a browser socket");
          }
          next(
            new Error(
              error instanceof AppError ? error.message : "Could not open this connection; it has been logged.",
            ),
          );
        },
      );
    });
    ns.on("connection", (socket) => {
      const entry = this.admitted.get(socket);
      this.admitted.delete(socket);
      if (!entry) {
        socket.disconnect(true);
        return;
      }
      this.live.add(entry);
      socket.on("disconnect", () => this.live.delete(entry));
      spec.connection(entry.gated as GatedSocket<Extra>);
    });
    return ns;
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private async admit<Extra>(spec: BrowserNamespaceSpec<Extra>, socket: Socket): Promise<void> {
    const { db } = this.services;
    const { headers } = socket.handshake;
    const ip = clientAddress(socket.handshake.address, headers, this.services.config.trustedProxies);
    const token = readSessionToken(headers.cookie);
    // Resolved before the Origin check so a foreign page's attempt with someone's cookie is
    // recorded against that person (and shown to their team).
    const user = await resolveSession(db, token);
    const refuse = async (code: "FORBIDDEN" | "UNAUTHENTICATED", reason: string, message: string): Promise<never> => {
      const entry: AuditEntry = {
        actor: user,
        teamId: user?.team.id ?? null,
        action: "socket.connect",
        outcome: "denied",
        ip,
        details: { namespace: spec.name, reason, ...(headers.origin ? { origin: headers.origin.slice(0, 200) } : {}) },
      };
      // Without a person it is anonymous noise: one event per address and window, with a count.
      if (user) await recordAudit(db, entry);
      else await this.services.refusals.record(entry);
      throw new AppError(code, message);
    };
    if (!originAllowed(headers.origin, headers.host, this.services.config.publicUrl)) {
      await refuse("FORBIDDEN", "foreign origin", FOREIGN_ORIGIN);
    }
    if (!token) await refuse("UNAUTHENTICATED", "no session cookie", "Sign in to continue.");
    if (!user) await refuse("UNAUTHENTICATED", "signed out, expired or disabled", SIGNED_OUT.message);
    const checked = await authorize(db, user, spec.permission, ip);
    const extra = spec.admit ? await spec.admit(socket, checked, ip) : (undefined as Extra);
    this.admitted.set(socket, this.entryFor(spec, socket, checked, ip, extra));
  }

  private entryFor<Extra>(
    spec: BrowserNamespaceSpec<Extra>,
    socket: Socket,
    user: SessionUser,
    ip: string,
    extra: Extra,
  ): Entry {
    const { db } = this.services;
    const revoke = (revocation: Revocation) => this.revoke(entry, revocation);
    const gated: GatedSocket<Extra> = {
      socket,
      namespace: spec.name,
      ip,
      extra,
      user,
      async authorize(action) {
        const current = await resolveSessionById(db, gated.user.sessionId);
        if (!current) {
          await revoke(SIGNED_OUT);
          throw new AppError("UNAUTHENTICATED", SIGNED_OUT.message);
        }
        if (current.team.id !== user.team.id) {
          await revoke(TEAM_CHANGED);
          throw new AppError("FORBIDDEN", TEAM_CHANGED.message);
        }
        gated.user = current;
        return authorize(db, current, action, ip);
      },
      revoke,
    };
    // The entry's callbacks take GatedSocket<unknown>; this namespace's own callbacks get its Extra back.
    const entry: Entry = {
      gated: gated as GatedSocket<unknown>,
      spec: spec as BrowserNamespaceSpec<unknown>,
      revoked: false,
      teamId: user.team.id,
    };
    return entry;
  }

  private async revoke(entry: Entry, revocation: Revocation): Promise<void> {
    if (entry.revoked) return;
    entry.revoked = true;
    this.live.delete(entry);
    try {
      await entry.spec.ending?.(entry.gated, revocation);
    } finally {
      entry.gated.socket.disconnect(true);
    }
  }

  /** Checks the matching sockets again: one session read per session, however many sockets it has. */
  private recheck(matches: (entry: Entry) => boolean): void {
    const bySession = new Map<string, Entry[]>();
    for (const entry of this.live) {
      if (entry.revoked || !matches(entry)) continue;
      const list = bySession.get(entry.gated.user.sessionId) ?? [];
      list.push(entry);
      bySession.set(entry.gated.user.sessionId, list);
    }
    for (const [sessionId, entries] of bySession) {
      this.recheckSession(sessionId, entries).catch((error: unknown) =>
        this.services.logger.error({ err: error, sessionId }, "could not re-check browser sockets"),
      );
    }
  }

  private async recheckSession(sessionId: string, entries: Entry[]): Promise<void> {
    const current = await resolveSessionById(this.services.db, sessionId);
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.revoked) return;
        if (!current) return this.revoke(entry, SIGNED_OUT);
        if (current.team.id !== entry.teamId) return this.revoke(entry, TEAM_CHANGED);
        // Now required to use a second factor and without one: nothing but enrolling, as authorize() says.
        if (current.secondFactor.required && !current.secondFactor.enabled) {
          return this.revoke(entry, { cause: "access-changed", message: SETUP_REQUIRED_MESSAGE });
        }
        if (!can(current.role, entry.spec.permission)) {
          return this.revoke(entry, {
            cause: "access-changed",
            message: `Your role (${current.role}) no longer allows this connection.`,
          });
        }
        const previous = entry.gated.user;
        entry.gated.user = current;
        await entry.spec.revalidate?.(entry.gated, previous);
      }),
    );
  }
}
