// One HTTP exchange with the portal's REST API (/api/v1): sends JSON with the bearer key, parses the
// answer with the shared schema, and turns every way it can go wrong into a CliError whose message
// a person can act on. The key never appears in a message.
import { z } from "zod";
import { ApiError, type CliError, NotLoggedInError, UnreachableError } from "../errors";

export const REQUEST_TIMEOUT_MS = 30_000;

/** The portal's error body. `issues` is zod's list for 400s; the message already summarises it. */
const errorBodySchema = z.object({
  message: z.string().min(1),
  code: z.string().optional(),
  issues: z.array(z.unknown()).optional(),
});

export interface Connection {
  /** The portal's address, e.g. https://wheelhouse.example.com (no trailing slash). */
  url: string;
  /** The API key, or undefined for the one endpoint that signs in with a password. */
  token?: string;
  /** Where the key came from, named when the portal refuses it. */
  tokenSource?: string;
  timeoutMs?: number;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
}

function withoutFinalStop(text: string): string {
  return text.trim().replace(/[.!]+$/, "");
}

function errorCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if ("code" in value && typeof value.code === "string") return value.code;
  // Happy-eyeballs connects (localhost → ::1 and 127.0.0.1) fail with an AggregateError of both.
  if ("errors" in value && Array.isArray(value.errors)) return errorCode(value.errors[0]);
  return undefined;
}

const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "the connection was reset",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "the connection closed unexpectedly",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate chain is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its TLS certificate cannot be verified",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "its TLS certificate is for another name",
};

function describeNetworkFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  if (!(error instanceof Error)) return "unknown network error";
  const code = errorCode(error.cause) ?? errorCode(error);
  if (code) return NETWORK_FAILURES[code] ?? code;
  // fetch's own refusals (e.g. "bad port") say more than its wrapper's "fetch failed".
  const detail = error.cause instanceof Error && error.cause.message ? error.cause.message : error.message;
  return withoutFinalStop(detail);
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "unexpected shape";
  return issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}

export async function request<Schema extends z.ZodType>(
  connection: Connection,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  schema: Schema,
  options: RequestOptions = {},
): Promise<z.output<Schema>> {
  const timeoutMs = connection.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const search = options.query ? `?${new URLSearchParams(options.query).toString()}` : "";
  const endpoint = `${connection.url}/api/v1${path}`;
  const what = `${method} /api/v1${path}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (connection.token) headers.authorization = `Bearer ${connection.token}`;

  let status: number;
  let statusText: string;
  let retryAfter: string | null;
  let location: string | null;
  let text: string;
  try {
    const response = await fetch(`${endpoint}${search}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(timeoutMs),
      // Following a redirect could replay the key and the body somewhere else; say where it points instead.
      redirect: "manual",
    });
    status = response.status;
    statusText = response.statusText;
    retryAfter = response.headers.get("retry-after");
    location = response.headers.get("location");
    text = await response.text();
  } catch (error) {
    throw new UnreachableError(
      `Could not reach the portal at ${connection.url} (${describeNetworkFailure(error, timeoutMs)}); check the address (--url, WHEELHOUSE_URL or wheelhouse login) and that the portal is running.`,
    );
  }

  let json: unknown;
  let isJson = true;
  try {
    json = JSON.parse(text);
  } catch {
    isJson = false;
  }

  if (status >= 300 && status <= 399) {
    throw new ApiError(
      `The portal at ${connection.url} redirects ${what} to ${location ?? "another address"}; log in with the portal's own address (wheelhouse login --url …).`,
      status,
      null,
    );
  }
  if (status < 200 || status > 299) throw errorFor(connection, what, status, statusText, retryAfter, json);
  if (!isJson) {
    throw new ApiError(
      `The portal at ${connection.url} answered ${what} with something other than JSON; is that the address of a Wheelhouse portal?`,
      status,
      null,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      `The portal's answer to ${what} is not what this CLI expects (${firstIssue(parsed.error)}); the CLI and the portal may be different versions.`,
      status,
      null,
    );
  }
  return parsed.data;
}

function errorFor(
  connection: Connection,
  what: string,
  status: number,
  statusText: string,
  retryAfter: string | null,
  json: unknown,
): CliError {
  const body = errorBodySchema.safeParse(json);
  if (!body.success) {
    return new ApiError(
      `The portal at ${connection.url} answered ${what} with ${status} ${statusText}`.trim() +
        (status === 404 ? "; is that the address of a Wheelhouse portal with the REST API?" : "."),
      status,
      null,
    );
  }
  const message = withoutFinalStop(body.data.message);
  if (status === 401) {
    return new NotLoggedInError(
      connection.token
        ? `The portal refused the API key from ${connection.tokenSource ?? "the command line"}: ${message}. Log in again with: wheelhouse login.`
        : `The portal refused the sign-in: ${message}.`,
    );
  }
  const wait = status === 429 && retryAfter && /^\d+$/.test(retryAfter) ? ` Try again in ${retryAfter} s.` : "";
  return new ApiError(`${message}.${wait}`, status, body.data.code ?? null);
}
