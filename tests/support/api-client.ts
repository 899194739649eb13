// A minimal tRPC-over-HTTP client with a cookie jar, so tests call the API as a browser would.
export interface CallResult<T = unknown> {
  status: number;
  data: T | undefined;
  error:
    | {
        message: string;
        code?: string;
        data?: { code?: string; httpStatus?: number; fieldErrors?: Record<string, string[]> };
      }
    | undefined;
}

export class ApiClient {
  cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  private remember(res: Response) {
    const setCookie = res.headers.get("set-cookie");
    if (!setCookie) return;
    const [pair] = setCookie.split(";");
    if (!pair) return;
    const value = pair.slice(pair.indexOf("=") + 1);
    this.cookie = value ? pair : undefined;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...(this.cookie ? { cookie: this.cookie } : {}) };
  }

  async query<T = unknown>(path: string, input?: unknown): Promise<CallResult<T>> {
    const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetch(`${this.baseUrl}/api/trpc/${path}${qs}`, { headers: this.headers() });
    return this.read<T>(res);
  }

  async mutate<T = unknown>(path: string, input?: unknown): Promise<CallResult<T>> {
    const res = await fetch(`${this.baseUrl}/api/trpc/${path}`, {
      method: "POST",
      headers: this.headers({ "content-type": "application/json" }),
      body: JSON.stringify(input ?? null),
    });
    return this.read<T>(res);
  }

  private async read<T>(res: Response): Promise<CallResult<T>> {
    this.remember(res);
    const body = (await res.json()) as { result?: { data: T }; error?: CallResult["error"] };
    return { status: res.status, data: body.result?.data, error: body.error };
  }

  async signIn(email: string, password: string): Promise<CallResult> {
    return this.mutate("auth.signIn", { email, password });
  }
}

export const ADMIN = {
  email: "admin@example.com",
  password: "correct horse battery",
  name: "Ada Admin",
  teamName: "Platform",
};

/** A portal with its first admin set up, signed in. */
export async function setUpAdmin(baseUrl: string): Promise<ApiClient> {
  const admin = new ApiClient(baseUrl);
  const result = await admin.mutate("auth.setup", ADMIN);
  if (result.status !== 200) throw new Error(`setup failed: ${JSON.stringify(result.error)}`);
  return admin;
}
