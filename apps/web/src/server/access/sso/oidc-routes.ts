// GET /auth/oidc/start and GET /auth/oidc/callback: the browser's two steps of single sign-on
// (authorization code with PKCE). Plain routes, since each answers with a redirect and cookies, not
// JSON. Every refusal sends the person back to the sign-in page with a short code
// (`/sign-in?sso_error=state`) the page turns into a sentence: never the provider's own text.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SsoErrorCode } from "@wheelhouse/shared";
import { AuthorizationResponseError, ResponseBodyError } from "openid-client";
import { recordAudit } from "../../audit/audit-log";
import { clientAddress } from "../../http/client-address";
import { refuse } from "../../http/plain-route";
import type { PortalServices } from "../../services";
import { signInCookie } from "../second-factor-sign-in";
import { completeAuthorization, startAuthorization } from "./oidc-client";
import { clearedFlowCookie, FLOW_LIFETIME_MS, flowCookie, readFlow, safeReturnTo } from "./oidc-flow-cookie";
import { ssoLimiter } from "./sso-limiter";
import { effectiveSsoSettings, OIDC_CALLBACK_PATH, OIDC_START_PATH } from "./sso-settings";
import { SsoRefusal, signInWithProvider } from "./sso-sign-in";

export { OIDC_CALLBACK_PATH, OIDC_START_PATH };

function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(302, {
    location,
    "cache-control": "no-store",
    // The callback's address holds the code: it must not travel on in a Referer header.
    "referrer-policy": "no-referrer",
    ...(cookies.length > 0 ? { "set-cookie": cookies } : {}),
  });
  res.end();
}

interface Refused {
  code: SsoErrorCode;
  reason: string;
  outcome: "denied" | "failure";
  email?: string | undefined;
  actor?: { id: string; email: string } | undefined;
  teamId?: string | undefined;
}

/**
 * Audits the refusal and sends the person back. Before the provider vouched for anyone (a forged
 * state, the limit, a provider failure) it is anonymous noise, counted per address as refused
 * password sign-ins are; after (a disallowed domain, no mapped group, a disabled account) it names a
 * person the provider signed in, so it is written on its own, in the team's trail.
 */
async function refuseSignIn(
  services: PortalServices,
  res: ServerResponse,
  ip: string,
  refused: Refused,
  cookies: string[] = [],
): Promise<void> {
  const entry = {
    actor: refused.actor ?? null,
    teamId: refused.teamId ?? null,
    action: "session.create",
    outcome: refused.outcome,
    ip,
    details: { via: "sso", reason: refused.reason, ...(refused.email ? { email: refused.email } : {}) },
  };
  if (refused.email) {
    // One team per portal today (issue 16 item 6 brings more): its auditors see who was turned away.
    const team = entry.teamId ? null : await services.db.team.findFirst({ orderBy: { createdAt: "asc" } });
    await recordAudit(services.db, { ...entry, teamId: entry.teamId ?? team?.id ?? null });
  } else {
    await services.refusals.record(entry);
  }
  redirect(res, `/sign-in?sso_error=${refused.code}`, cookies);
}

/** What may be logged of a provider's failure: its kind and OAuth error code, never a body or a header. */
function providerFailure(error: unknown): { kind: string; oauthError?: string } {
  if (error instanceof AuthorizationResponseError || error instanceof ResponseBodyError) {
    return { kind: error.name, oauthError: error.error.slice(0, 64) };
  }
  const code = (error as { code?: unknown }).code;
  return {
    kind: error instanceof Error ? error.name : "unknown",
    ...(typeof code === "string" ? { oauthError: code.slice(0, 64) } : {}),
  };
}

function secureCookies(services: PortalServices): boolean {
  return services.config.publicUrl.startsWith("https:");
}

export async function handleOidcStart(services: PortalServices, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "GET") return refuse(res, 405, "Single sign-on starts with GET.", { allow: "GET" });
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  if (!(await ssoLimiter.charge(ip))) {
    return refuseSignIn(services, res, ip, { code: "rate-limited", reason: "rate_limited", outcome: "denied" });
  }
  const settings = await effectiveSsoSettings(services);
  if (!settings) return refuseSignIn(services, res, ip, { code: "off", reason: "sso_off", outcome: "failure" });
  const redirectUri = `${services.config.publicUrl}${OIDC_CALLBACK_PATH}`;
  let started: Awaited<ReturnType<typeof startAuthorization>>;
  try {
    started = await startAuthorization(settings, redirectUri);
  } catch {
    // The cached discovery may be stale (keys or endpoints moved): ask the provider once more.
    try {
      started = await startAuthorization(settings, redirectUri, { refresh: true });
    } catch (error) {
      services.logger.warn(
        { issuer: settings.issuerUrl, ...providerFailure(error) },
        "single sign-on: the provider's discovery failed",
      );
      return refuseSignIn(services, res, ip, { code: "provider", reason: "discovery_failed", outcome: "failure" });
    }
  }
  const returnTo = safeReturnTo(new URL(req.url ?? "/", "http://portal").searchParams.get("returnTo"));
  const cookie = flowCookie(
    services.secrets,
    {
      verifier: started.verifier,
      state: started.state,
      nonce: started.nonce,
      returnTo,
      issuer: settings.issuerUrl,
      clientId: settings.clientId,
      expiresAt: Date.now() + FLOW_LIFETIME_MS,
    },
    secureCookies(services),
  );
  redirect(res, started.url.href, [cookie]);
}

export async function handleOidcCallback(services: PortalServices, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "GET") return refuse(res, 405, "The provider returns with GET.", { allow: "GET" });
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  const secure = secureCookies(services);
  // Each flow cookie serves one callback, whatever its outcome.
  const cleared = clearedFlowCookie(secure);
  const charge = await ssoLimiter.charge(ip);
  if (!charge) {
    return refuseSignIn(services, res, ip, { code: "rate-limited", reason: "rate_limited", outcome: "denied" }, [
      cleared,
    ]);
  }
  const settings = await effectiveSsoSettings(services);
  if (!settings) {
    return refuseSignIn(services, res, ip, { code: "off", reason: "sso_off", outcome: "failure" }, [cleared]);
  }
  const query = new URL(req.url ?? "/", "http://portal").search;
  const state = new URLSearchParams(query).get("state");
  const flow = readFlow(services.secrets, req.headers.cookie);
  if (
    !flow ||
    !state ||
    state !== flow.state ||
    flow.issuer !== settings.issuerUrl ||
    flow.clientId !== settings.clientId
  ) {
    const reason = !flow
      ? "no_sign_in_started"
      : !state
        ? "state_missing"
        : state !== flow.state
          ? "state_mismatch"
          : "settings_changed";
    return refuseSignIn(services, res, ip, { code: "state", reason, outcome: "denied" }, [cleared]);
  }
  let claims: Awaited<ReturnType<typeof completeAuthorization>>;
  try {
    // The address the provider sent the browser to, as registered there: PUBLIC_URL's, not the Host header's.
    const callbackUrl = new URL(`${services.config.publicUrl}${OIDC_CALLBACK_PATH}${query}`);
    claims = await completeAuthorization(settings, callbackUrl, flow);
  } catch (error) {
    const failure = providerFailure(error);
    services.logger.warn({ issuer: settings.issuerUrl, ...failure }, "single sign-on: the provider refused or failed");
    const reason = failure.oauthError ? `provider_${failure.oauthError}` : "code_exchange_failed";
    return refuseSignIn(services, res, ip, { code: "provider", reason, outcome: "failure" }, [cleared]);
  }
  let session: Awaited<ReturnType<typeof signInWithProvider>>;
  try {
    session = await signInWithProvider(services, settings, claims, {
      ip,
      userAgent: req.headers["user-agent"],
    });
  } catch (error) {
    if (!(error instanceof SsoRefusal)) throw error;
    return refuseSignIn(
      services,
      res,
      ip,
      { code: error.code, reason: error.reason, outcome: "denied", ...error.audit },
      [cleared],
    );
  }
  await charge.succeeded();
  // A person with a second factor gets the challenge and the sign-in page's code step (second-factor-sign-in.ts).
  const next = session.kind === "session" ? flow.returnTo : "/sign-in?step=code";
  redirect(res, next, [cleared, signInCookie(services.secrets, session, secure)]);
}
