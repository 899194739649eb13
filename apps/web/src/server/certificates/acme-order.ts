// One ACME order (RFC 8555) for one domain with the HTTP-01 challenge, through acme-client (issue
// 15). No database here: the worker (certificate-worker.ts) gives the account, the directory and a
// publisher that puts the challenge answer on the hosts' nginx, and stores what comes back.
//
// acme-client turns the CA's problem documents into plain Errors carrying the detail only; the page
// must show the problem's type too, verbatim. So an interceptor on acme-client's own axios instance
// (`acme.axios`, exported for this) notes why the last request of the order running in this async
// context (AsyncLocalStorage) failed, and a failure is reported with it. The same context carries
// the order's HTTPS agent, which trusts a private CA bundle in addition to Node's roots, for this
// order's requests only: no global agent, other axios instance or NODE_EXTRA_CA_CERTS changes, so
// TLS elsewhere in the portal is as strict as before.
import { AsyncLocalStorage } from "node:async_hooks";
import { X509Certificate } from "node:crypto";
import { Agent, type AgentOptions, type RequestOptions } from "node:https";
import type { Duplex } from "node:stream";
import { rootCertificates } from "node:tls";
import * as acme from "acme-client";
import { describeCertificate, splitPemCertificates } from "./certificate-chain";

export interface ChallengePublisher {
  put(token: string, keyAuthorization: string): Promise<void>;
  /** Must not throw: it runs in a `finally`, where a throw would hide the order's outcome. */
  remove(token: string): Promise<void>;
}

export interface AcmeDirectory {
  url: string;
  caBundlePem: string | null;
}

export interface AcmeAccountKeys {
  accountKeyPem: string;
  accountUrl: string | null;
  /** The contact wanted now (the settings' email). */
  email: string | null;
  /**
   * The contact the CA holds for `accountUrl`, as last registered: when it differs from `email`, the
   * account is updated before the order (a changed email reaches the CA's expiry mails). Undefined:
   * not known, left alone.
   */
  registeredEmail?: string | null;
}

export interface IssuedCertificate {
  /** The leaf first, then the chain the CA sent. */
  fullChainPem: string;
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
  issuer: string;
  serial: string;
  names: string[];
}

/** A failed order as the page shows it: the problem document's type and detail, verbatim. */
export class AcmeProblem extends Error {
  readonly type: string;
  readonly detail: string;
  readonly status: number | null;
  /** The CA's Retry-After, when it sent one (rate limits). */
  readonly retryAfter: Date | null;

  constructor(problem: { type: string; detail: string; status?: number | null; retryAfter?: Date | null }) {
    super(`${problem.type}: ${problem.detail}`);
    this.name = "AcmeProblem";
    this.type = problem.type;
    this.detail = problem.detail;
    this.status = problem.status ?? null;
    this.retryAfter = problem.retryAfter ?? null;
  }
}

export interface OrderInput {
  directory: AcmeDirectory;
  account: AcmeAccountKeys;
  domain: string;
  publisher: ChallengePublisher;
  /** Ends the order: its pending request is cancelled and the signal's reason is thrown. */
  signal?: AbortSignal;
  onProgress?: (step: string) => void;
  /** Told the account URL the moment the CA gave it, before the order: kept even if the order fails. */
  onAccount?: (accountUrl: string) => Promise<void>;
}

/** A request the CA has not answered in this long is given up: a CA that hangs must not hang the order. */
const REQUEST_DEADLINE_MS = 30_000;

interface OrderContext {
  httpsAgent: Agent;
  signal: AbortSignal | undefined;
  /**
   * Why the last request failed: the problem its answer carried, or its connection's error; null
   * after an answer without a problem, so a problem the order got past (a badNonce acme-client
   * retried) is never reported for a later failure.
   */
  lastFailure: AcmeProblem | null;
}

const orderContext = new AsyncLocalStorage<OrderContext>();

interface ProblemDocument {
  type?: unknown;
  detail?: unknown;
  status?: unknown;
  error?: { type?: unknown; detail?: unknown; status?: unknown };
}

function problemOf(data: unknown, status: number | null, retryAfterHeader: unknown): AcmeProblem | null {
  if (typeof data !== "object" || data === null) return null;
  const document = data as ProblemDocument;
  // A problem document (an error answer), or a challenge/authorization carrying one in `error`.
  const source = typeof document.type === "string" && document.type.includes(":") ? document : document.error;
  if (!source || typeof source.type !== "string") return null;
  // A challenge's `error` carries its own status (403 for a wrong answer); its answer was a 200.
  return new AcmeProblem({
    type: source.type,
    detail: typeof source.detail === "string" ? source.detail : "",
    status: typeof source.status === "number" ? source.status : status !== null && status >= 400 ? status : null,
    retryAfter: parseRetryAfter(retryAfterHeader),
  });
}

function parseRetryAfter(header: unknown): Date | null {
  if (typeof header !== "string" || header === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return new Date(Date.now() + seconds * 1_000);
  const date = new Date(header);
  return Number.isNaN(date.getTime()) ? null : date;
}

let interceptorsInstalled = false;

function installInterceptors(): void {
  if (interceptorsInstalled) return;
  interceptorsInstalled = true;
  // acme-client retries a request that got no answer, a 429 or a 5xx up to 5 times, sleeping 5–25 s
  // or the CA's Retry-After (hours, for a rate limit) in between while the order waits. Our worker
  // retries whole orders with a back-off that honours Retry-After, so one failure ends the order
  // here. (badNonce answers are retried by acme-client apart from this, and still are.)
  const settings = (acme.axios.defaults as { acmeSettings?: { retryMaxAttempts: number } }).acmeSettings;
  if (settings) settings.retryMaxAttempts = 0;
  acme.axios.interceptors.request.use((config) => {
    const context = orderContext.getStore();
    if (context) {
      config.httpsAgent = context.httpsAgent;
      if (context.signal) config.signal = context.signal;
    }
    return config;
  });
  acme.axios.interceptors.response.use(
    (response) => {
      const context = orderContext.getStore();
      const data = response.data as { status?: unknown } | undefined;
      // acme-client resolves error answers too (its retry interceptor hands them back as responses),
      // so a problem document of a 4xx/5xx arrives here, not in the rejection handler below.
      if (context) {
        context.lastFailure =
          data?.status === "invalid" || response.status >= 400
            ? problemOf(data, response.status, response.headers["retry-after"])
            : null;
      }
      return response;
    },
    (error: unknown) => {
      const context = orderContext.getStore();
      const response = (error as { response?: { data?: unknown; status?: number; headers?: Record<string, unknown> } })
        .response;
      if (context && response) {
        context.lastFailure =
          problemOf(response.data, response.status ?? null, response.headers?.["retry-after"]) ?? context.lastFailure;
      }
      return Promise.reject(error);
    },
  );
}

/**
 * Notes each connection's own error. acme-client 5.4.0 loses it: once its retries of a request that
 * got no answer are spent, its interceptor calls validateStatus(undefined) and throws "Cannot read
 * properties of undefined (reading 'config')" instead, so ECONNREFUSED or an untrusted certificate
 * never reaches us through axios.
 */
class ObservedAgent extends Agent {
  constructor(
    options: AgentOptions,
    private readonly onConnectionError: (error: Error) => void,
  ) {
    super(options);
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void) {
    const connection = super.createConnection(options, callback);
    if (!connection) return connection;
    connection.on("error", this.onConnectionError);
    // Without keep-alive a socket carries one request, so its lifetime bounds the request's. Not
    // socket.setTimeout: axios resets that to 0 for every request without a timeout of its own.
    const deadline = setTimeout(() => {
      const error = new Error(`no answer within ${REQUEST_DEADLINE_MS / 1_000} s`);
      connection.destroy(Object.assign(error, { code: "ETIMEDOUT" }));
    }, REQUEST_DEADLINE_MS);
    connection.once("close", () => clearTimeout(deadline));
    return connection;
  }
}

/** This order's HTTPS agent: Node's roots, plus the bundle when there is one (`ca` replaces the roots). */
function agentFor(caBundlePem: string | null, onConnectionError: (error: Error) => void): Agent {
  const bundle = caBundlePem ? splitPemCertificates(caBundlePem) : [];
  const ca = bundle.length > 0 ? [...rootCertificates, ...bundle] : undefined;
  return new ObservedAgent({ ...(ca ? { ca } : {}), keepAlive: false }, onConnectionError);
}

/** A new account key: ECDSA P-256, as Let's Encrypt recommends (small, fast to sign). */
export async function createAccountKey(): Promise<string> {
  return (await acme.crypto.createPrivateEcdsaKey("P-256")).toString();
}

// Node's codes for a server certificate the client does not trust.
const UNTRUSTED_CERTIFICATE =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** A connection's own failure (refused, reset, no answer, TLS) as a problem of ours. */
function connectionProblem(error: Error): AcmeProblem {
  const code = (error as { code?: unknown }).code;
  const codeText = typeof code === "string" ? code : "no error code";
  const message = error.message.trim();
  if (typeof code === "string" && UNTRUSTED_CERTIFICATE.test(code)) {
    return new AcmeProblem({
      type: "wheelhouse:tls",
      detail: `The ACME server's certificate is not trusted (${message}; ${codeText}). For a private ACME server, give its CA bundle.`,
    });
  }
  // EPROTO: what answered does not speak TLS (a plain HTTP port), or the handshake broke.
  if (typeof code === "string" && (/^ERR_(SSL|TLS)_/.test(code) || code === "EPROTO")) {
    return new AcmeProblem({
      type: "wheelhouse:tls",
      detail: `The TLS connection to the ACME server failed (${message}; ${codeText}).`,
    });
  }
  return new AcmeProblem({
    type: "wheelhouse:network",
    detail: `Could not reach the ACME server: ${message} (${codeText}).`,
  });
}

export async function orderCertificate(
  input: OrderInput,
): Promise<{ certificate: IssuedCertificate; accountUrl: string }> {
  installInterceptors();
  input.signal?.throwIfAborted();
  const context: OrderContext = {
    signal: input.signal,
    lastFailure: null,
    httpsAgent: agentFor(input.directory.caBundlePem, (error) => {
      context.lastFailure = connectionProblem(error);
    }),
  };
  try {
    return await orderContext.run(context, () => runOrder(input));
  } catch (error) {
    // Stopped by the caller: not the CA's failure, so not reported as one.
    if (input.signal?.aborted) throw input.signal.reason;
    if (error instanceof AcmeProblem) throw error;
    // The CA's own problem when it sent one, else ours in the same shape.
    throw (
      context.lastFailure ??
      new AcmeProblem({ type: "wheelhouse:acme", detail: error instanceof Error ? error.message : String(error) })
    );
  } finally {
    context.httpsAgent.destroy();
  }
}

/**
 * Signs `client` in to the account of its key (RFC 8555 section 7.3.1), registering one if the CA
 * has none. Looked up first: for a key the CA already knows, createAccount({ termsOfServiceAgreed })
 * makes acme-client send an update carrying only that, which pebble refuses ("Use POST-as-GET…")
 * when there is no contact, so an account whose URL we never stored would fail every order.
 */
async function findOrRegisterAccount(client: acme.Client, email: string | null): Promise<void> {
  const contact = email ? { contact: [`mailto:${email}`] } : {};
  try {
    await client.createAccount({ onlyReturnExisting: true });
  } catch (error) {
    if (orderContext.getStore()?.lastFailure?.type !== "urn:ietf:params:acme:error:accountDoesNotExist") throw error;
    await client.createAccount({ termsOfServiceAgreed: true, ...contact });
    return;
  }
  if (email) await client.updateAccount(contact);
}

function clientFor(input: OrderInput, accountUrl: string | null): acme.Client {
  return new acme.Client({
    directoryUrl: input.directory.url,
    accountKey: input.account.accountKeyPem,
    ...(accountUrl ? { accountUrl } : {}),
    // Pebble and Let's Encrypt validate within seconds: look again soon, for up to ~2 minutes.
    backoffAttempts: 12,
    backoffMin: 500,
    backoffMax: 15_000,
  });
}

/** The account is signed in by its key alone: looked up or registered, and remembered at once. */
async function signInByKey(input: OrderInput): Promise<acme.Client> {
  const client = clientFor(input, null);
  await findOrRegisterAccount(client, input.account.email);
  // Remembered at once, even if the order then fails: the next order skips the lookup.
  await input.onAccount?.(client.getAccountUrl());
  return client;
}

function isUnknownAccount(): boolean {
  return orderContext.getStore()?.lastFailure?.type === "urn:ietf:params:acme:error:accountDoesNotExist";
}

async function createOrderSignedIn(
  input: OrderInput,
): Promise<{ client: acme.Client; order: acme.Order; accountUrl: string }> {
  const identifiers = [{ type: "dns", value: input.domain }];
  const known = input.account.accountUrl;
  if (!known) {
    const client = await signInByKey(input);
    return { client, order: await client.createOrder({ identifiers }), accountUrl: client.getAccountUrl() };
  }
  // A known account URL is all acme-client needs (it signs with it as `kid`). Calling createAccount
  // then would send an account update, and one carrying no contact is refused by pebble as "Use
  // POST-as-GET to retrieve account data instead of doing an empty update".
  const client = clientFor(input, known);
  try {
    const { email, registeredEmail } = input.account;
    if (registeredEmail !== undefined && email !== registeredEmail) {
      await client.updateAccount({ contact: email ? [`mailto:${email}`] : [] });
    }
    return { client, order: await client.createOrder({ identifiers }), accountUrl: known };
  } catch (error) {
    // A CA that forgot the account (a test CA restarted, an account deactivated by hand) would
    // fail every order on the stored URL: sign in by the key again, which registers it anew.
    if (!isUnknownAccount()) throw error;
    const orderContextNow = orderContext.getStore();
    if (orderContextNow) orderContextNow.lastFailure = null;
    const fresh = await signInByKey(input);
    return { client: fresh, order: await fresh.createOrder({ identifiers }), accountUrl: fresh.getAccountUrl() };
  }
}

async function runOrder(input: OrderInput): Promise<{ certificate: IssuedCertificate; accountUrl: string }> {
  const progress = input.onProgress ?? (() => undefined);
  progress("account");
  const { client, order, accountUrl } = await createOrderSignedIn(input);
  progress("order");
  for (const authorization of await client.getAuthorizations(order)) {
    if (authorization.status === "valid") continue;
    const challenge = authorization.challenges.find((candidate) => candidate.type === "http-01");
    if (!challenge) {
      throw new AcmeProblem({
        type: "wheelhouse:no-http-01",
        detail: `The ACME server offers no HTTP-01 challenge for ${input.domain}, the only one Wheelhouse answers.`,
      });
    }
    const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
    progress("challenge");
    await input.publisher.put(challenge.token, keyAuthorization);
    try {
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
    } finally {
      // The publisher never throws on remove (a token left behind is harmless), so the order's own
      // outcome is what leaves this block.
      await input.publisher.remove(challenge.token);
    }
  }
  progress("finalize");
  // A fresh key per certificate (never the account key), ECDSA P-256: every TLS client nginx meets
  // speaks it, and it is small and fast to sign with; RSA would only serve clients older than ours.
  const [key, csr] = await acme.crypto.createCsr(
    { commonName: input.domain, altNames: [input.domain] },
    await acme.crypto.createPrivateEcdsaKey("P-256"),
  );
  const finalized = await client.finalizeOrder(order, csr);
  const fullChainPem = await client.getCertificate(finalized);
  const [leafPem] = splitPemCertificates(fullChainPem);
  if (!leafPem) throw new AcmeProblem({ type: "wheelhouse:acme", detail: "The ACME server sent no certificate." });
  const leaf = describeCertificate(new X509Certificate(leafPem));
  return {
    accountUrl,
    certificate: {
      fullChainPem,
      keyPem: key.toString(),
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      issuer: leaf.issuer,
      serial: leaf.serial,
      names: leaf.names,
    },
  };
}
