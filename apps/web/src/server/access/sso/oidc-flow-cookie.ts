// What a sign-in with the provider must remember between /auth/oidc/start and the callback (the
// PKCE verifier, state, nonce and where to go afterwards), kept in the browser rather than in a
// table: a cookie sealed with SECRET_KEY (AES-256-GCM, so it can be neither read nor forged),
// httpOnly, SameSite=Lax (sent on the provider's top-level redirect back), 10 minutes, and sent only
// to /auth/oidc. The callback clears it whatever happens, so each one is used once.
import { parse, serialize } from "cookie";
import { z } from "zod";
import type { SecretBox } from "../../config/secret-box";

export const FLOW_COOKIE = "wheelhouse_oidc";
const FLOW_PATH = "/auth/oidc";
export const FLOW_LIFETIME_MS = 10 * 60_000;

const flowSchema = z.object({
  verifier: z.string().min(43).max(128),
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  returnTo: z.string().max(512),
  issuer: z.string(),
  clientId: z.string(),
  expiresAt: z.number(),
});
export type OidcFlow = z.infer<typeof flowSchema>;

export function flowCookie(secrets: SecretBox, flow: OidcFlow, secure: boolean): string {
  return serialize(FLOW_COOKIE, secrets.seal(JSON.stringify(flow)), {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: FLOW_PATH,
    maxAge: FLOW_LIFETIME_MS / 1000,
  });
}

export function clearedFlowCookie(secure: boolean): string {
  return serialize(FLOW_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: FLOW_PATH, maxAge: 0 });
}

/** The flow of this browser, or null when the cookie is missing, forged, unreadable or expired. */
export function readFlow(secrets: SecretBox, cookieHeader: string | undefined, now = Date.now()): OidcFlow | null {
  const sealed = cookieHeader ? parse(cookieHeader)[FLOW_COOKIE] : undefined;
  if (!sealed) return null;
  let text: string;
  try {
    text = secrets.open(sealed);
  } catch {
    // Tampered with, or sealed under another SECRET_KEY: as good as no cookie.
    return null;
  }
  const parsed = flowSchema.safeParse(JSON.parse(text));
  if (!parsed.success || parsed.data.expiresAt <= now) return null;
  return parsed.data;
}

function hasControlCharacter(value: string): boolean {
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Where to go after signing in: a path on this portal only. Anything else (another origin,
 * `//host`, a backslash trick, a control character) is "/", so the callback cannot be used to
 * bounce a freshly signed-in person to someone else's site.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 512 || !value.startsWith("/")) return "/";
  if (value.startsWith("//") || value.includes("\\") || hasControlCharacter(value)) return "/";
  const resolved = new URL(value, "http://portal.invalid");
  if (resolved.origin !== "http://portal.invalid") return "/";
  if (resolved.pathname.startsWith("/auth/oidc")) return "/";
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
