// The portal's side of OpenID Connect, through openid-client (v6): discovery, the authorization
// URL with PKCE, state and nonce, and the code exchange that validates the ID token. Nothing here
// knows about people or sessions (sso-sign-in.ts) or HTTP (oidc-routes.ts).
import { createHash } from "node:crypto";
import * as oidc from "openid-client";
import type { SsoSettings } from "./sso-settings";

/** A provider slower than this is treated as down: the person is told, nothing hangs. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** Discovered configurations, one per issuer, client and secret: discovery is a network round trip. */
const discovered = new Map<string, Promise<oidc.Configuration>>();

function cacheKey(settings: SsoSettings, clientSecret: string | null): string {
  // The secret is part of the key only as a hash: a changed secret must not reuse the old client.
  const secret = createHash("sha256")
    .update(clientSecret ?? "")
    .digest("hex");
  return `${settings.issuerUrl}|${settings.clientId}|${secret}`;
}

/** http is accepted only for loopback issuers (sso-api.ts isAllowedIssuerUrl); never elsewhere. */
function isLoopbackHttp(issuerUrl: string): boolean {
  return new URL(issuerUrl).protocol === "http:";
}

async function discover(settings: SsoSettings, clientSecret: string | null): Promise<oidc.Configuration> {
  const insecure = isLoopbackHttp(settings.issuerUrl);
  const found = await oidc.discovery(new URL(settings.issuerUrl), settings.clientId, undefined, oidc.None(), {
    timeout: PROVIDER_TIMEOUT_SECONDS,
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
  });
  // A confidential client authenticates the way the provider's metadata says it takes (Basic is
  // the OpenID default); without a secret the client is public and PKCE alone binds the code.
  const methods = found.serverMetadata().token_endpoint_auth_methods_supported;
  const auth =
    clientSecret === null
      ? oidc.None()
      : methods && !methods.includes("client_secret_basic") && methods.includes("client_secret_post")
        ? oidc.ClientSecretPost(clientSecret)
        : oidc.ClientSecretBasic(clientSecret);
  const config = new oidc.Configuration(found.serverMetadata(), settings.clientId, undefined, auth);
  config.timeout = PROVIDER_TIMEOUT_SECONDS;
  if (insecure) oidc.allowInsecureRequests(config);
  return config;
}

/** The provider's configuration, discovered once; a failed discovery is forgotten so the next try asks again. */
export function providerConfiguration(settings: SsoSettings, options: { refresh?: boolean } = {}) {
  const clientSecret = settings.clientSecret();
  const key = cacheKey(settings, clientSecret);
  if (options.refresh) discovered.delete(key);
  let pending = discovered.get(key);
  if (!pending) {
    pending = discover(settings, clientSecret);
    discovered.set(key, pending);
    pending.catch(() => {
      if (discovered.get(key) === pending) discovered.delete(key);
    });
  }
  return pending;
}

export interface AuthorizationStart {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function startAuthorization(
  settings: SsoSettings,
  redirectUri: string,
  options: { refresh?: boolean } = {},
): Promise<AuthorizationStart> {
  const config = await providerConfiguration(settings, options);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url, verifier, state, nonce };
}

/** The claims of a validated sign-in: the ID token's, completed by UserInfo where the provider has it. */
export type SignInClaims = Record<string, unknown> & { sub: string };

export async function completeAuthorization(
  settings: SsoSettings,
  callbackUrl: URL,
  checks: { verifier: string; state: string; nonce: string },
): Promise<SignInClaims> {
  const config = await providerConfiguration(settings);
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.verifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims();
  if (!idToken) throw new Error("The provider answered without an ID token.");
  // Many providers put email and groups only in UserInfo (scope claims); its subject must match.
  const userinfo = config.serverMetadata().userinfo_endpoint
    ? await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)
    : {};
  return { ...userinfo, ...idToken };
}
