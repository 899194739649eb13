// Calls the REST API (/api/v1) the way scripts and the CLI do: JSON and a bearer API key.
export interface RestResult<T = unknown> {
  status: number;
  body: T & { message?: string; code?: string };
}

export class RestClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<RestResult<T>> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as RestResult<T>["body"] };
  }
}

/** A new API key for the signed-in user of `password` credentials, through the CLI's endpoint. */
export async function apiKeyFor(baseUrl: string, email: string, password: string): Promise<RestClient> {
  const created = await new RestClient(baseUrl).call<{ token: string }>("POST", "/auth/api-keys/password", {
    email,
    password,
    name: "test key",
  });
  if (created.status !== 200) throw new Error(`could not create an API key: ${JSON.stringify(created.body)}`);
  return new RestClient(baseUrl, created.body.token);
}
