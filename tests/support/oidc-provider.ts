// A real OpenID Connect provider for the single sign-on tests: `oidc-provider` (the certified
// implementation openid-client is tested against), in the test worker, on a free loopback port. One
// confidential client whose redirect URI is the portal's callback, PKCE required, a `groups` claim
// (released with the profile scope), and accounts the test sets and changes between sign-ins. Its
// development login and consent pages are driven with fetch by `SsoBrowser`, as a person would click.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import { freePort } from "../../scripts/lib/free-port.ts";

export interface TestAccount {
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who may sign in at the provider, by account id; change an entry to change the next sign-in's claims. */
  accounts: Map<string, TestAccount>;
  stop(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUri: string }): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "wheelhouse-test";
  const clientSecret = `oidc-secret-${randomBytes(18).toString("hex")}`;
  const accounts = new Map<string, TestAccount>();
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    // PKCE for every client, not only public ones: the portal must send it.
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    jwks: { keys: [{ ...signingKey, kid: "test-key", use: "sig", alg: "RS256" }] },
    // Lifetimes set, so the provider does not print a notice for each default it falls back to.
    ttl: { Interaction: 600, Session: 3_600, Grant: 3_600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    // Development login and consent pages: fine in a test, driven by SsoBrowser below.
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: account.email,
            email_verified: account.emailVerified ?? true,
            name: account.name,
            groups: account.groups,
          };
        },
      };
    },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** One answer as the browser saw it, kept so a test can search everything the portal sent. */
export interface Seen {
  url: string;
  status: number;
  headers: string;
  body: string;
}

/**
 * A browser for the sign-in dance: a cookie jar per origin, redirects followed by hand (each one
 * recorded), and the provider's login and consent forms submitted like a person would.
 */
export class SsoBrowser {
  private readonly jars = new Map<string, Map<string, string>>();
  readonly seen: Seen[] = [];

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  private remember(url: URL, res: Response): void {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    this.jars.set(url.origin, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const name = pair.slice(0, pair.indexOf("="));
      const value = pair.slice(pair.indexOf("=") + 1);
      if (value === "" || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.jars.get(target.origin);
    const headers: Record<string, string> = {};
    if (jar && jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(target, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    this.remember(target, res);
    const body = await res.clone().text();
    this.seen.push({ url, status: res.status, headers: JSON.stringify([...res.headers]), body });
    return res;
  }

  /** The portal's start: the provider's authorization URL it redirects to. */
  async start(portalUrl: string, returnTo?: string): Promise<string> {
    const query = returnTo === undefined ? "" : `?returnTo=${encodeURIComponent(returnTo)}`;
    const res = await this.request(`${portalUrl}/auth/oidc/start${query}`);
    const location = res.headers.get("location");
    if (res.status !== 302 || !location) throw new Error(`start answered ${res.status} ${location}`);
    return new URL(location, portalUrl).href;
  }

  /**
   * Signs `accountId` in at the provider and consents, following its redirects until it sends the
   * browser back to `callbackPrefix`; that URL (with code and state), not yet opened.
   */
  async authorize(authorizationUrl: string, accountId: string, callbackPrefix: string): Promise<string> {
    let url = authorizationUrl;
    for (let step = 0; step < 12; step += 1) {
      if (url.startsWith(callbackPrefix)) return url;
      const res = await this.request(url);
      const location = res.headers.get("location");
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const page = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (res.status !== 200 || !prompt) throw new Error(`the provider answered ${res.status}: ${page.slice(0, 300)}`);
      const form: Record<string, string> = { prompt };
      if (prompt === "login") Object.assign(form, { login: accountId, password: "any" });
      const submitted = await this.request(url, { method: "POST", form });
      const next = submitted.headers.get("location");
      if (!next) throw new Error(`the provider's ${prompt} form answered ${submitted.status}`);
      url = new URL(next, url).href;
    }
    throw new Error("the provider never sent the browser back to the portal");
  }

  /** The whole sign-in: start, provider, callback. The portal's last answer (a redirect). */
  async signIn(portalUrl: string, accountId: string, returnTo?: string): Promise<Response> {
    const authorizationUrl = await this.start(portalUrl, returnTo);
    const callback = await this.authorize(authorizationUrl, accountId, `${portalUrl}/auth/oidc/callback`);
    return this.request(callback);
  }
}
