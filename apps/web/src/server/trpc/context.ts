// What every procedure receives. Built per request from the cookie; the same resolveSession is
// what the Socket.IO middleware uses, so both transports share one auth path.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { resolveApiKey } from "../access/api-keys";
import { readSessionToken } from "../access/session-cookie";
import { resolveSession, type SessionUser } from "../access/sessions";
import { clientAddress } from "../http/client-address";
import { scriptPortalUrl } from "../install/install-script";
import type { PortalServices } from "../services";
import { type ProcedureAudit, procedureAudit } from "./procedure-audit";

export interface Context {
  services: PortalServices;
  user: SessionUser | null;
  /** The client's address: the socket's peer, or whom a TRUSTED_PROXIES proxy forwards for. */
  ip: string;
  userAgent: string | undefined;
  /** The request's Cookie header, for the few procedures that read a cookie of their own (sign-in's code step). */
  cookieHeader: string | undefined;
  /** Where links a person opens (invites, password resets) point: PUBLIC_URL when set, else this request's origin. */
  linkBase: string;
  /** Adds a Set-Cookie header to the response (sign-in, sign-out). */
  setCookie(value: string): void;
  /** Writes the procedure's audit event as this request's user, team and address. */
  audit: ProcedureAudit;
}

/**
 * Who sent a request: scripts and the CLI send `Authorization: Bearer whk_…`; browsers send the
 * session cookie. Plain routes for people (the audit export) use this too, so they authenticate
 * exactly as procedures do.
 */
export async function resolveRequestUser(services: PortalServices, req: IncomingMessage): Promise<SessionUser | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  return bearer
    ? await resolveApiKey(services.db, bearer)
    : await resolveSession(services.db, readSessionToken(req.headers.cookie));
}

export async function createContext(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Context> {
  const user = await resolveRequestUser(services, req);
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  return {
    services,
    user,
    ip,
    userAgent: req.headers["user-agent"],
    cookieHeader: req.headers.cookie,
    linkBase: services.config.publicUrlConfigured
      ? services.config.publicUrl
      : scriptPortalUrl(
          services.config.publicUrl,
          req.headers.host,
          (req.socket as Partial<TLSSocket>).encrypted === true,
        ),
    setCookie(value) {
      const existing = res.getHeader("set-cookie");
      const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
      res.setHeader("set-cookie", [...list, value]);
    },
    audit: procedureAudit(services.db, user, ip),
  };
}
