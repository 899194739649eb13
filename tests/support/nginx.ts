// A managed nginx for tests that want one: the agent's environment for it on a given port,
// requests with a chosen Host header, and stopping it afterwards. The managed nginx daemonises on
// purpose (it outlives the agent), so stopping the agent does not stop it: every test that starts
// one calls stopManagedNginx in its clean-up.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { createLogger } from "../../apps/agent/src/logger.ts";
import { NginxManager } from "../../apps/agent/src/nginx/nginx-manager.ts";

/** Extra environment for runAgent: a managed nginx on this port instead of the tests' default, off. */
export function managedNginxEnv(httpPort: number): Record<string, string> {
  return { NGINX_MODE: "managed", NGINX_HTTP_PORT: String(httpPort) };
}

/** Quits the managed nginx an agent with this config directory started, if it runs, and waits for it to exit. */
export async function stopManagedNginx(configDir: string): Promise<void> {
  const manager = new NginxManager(
    {
      mode: "managed",
      binary: "nginx",
      httpPort: 1,
      httpsPort: 1,
      prefixDir: join(configDir, "nginx"),
      systemSitesDir: "/nonexistent",
    },
    createLogger("silent"),
  );
  await manager.stopManaged();
}

export interface HostResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * GET (or another method) http://127.0.0.1:port{path} with this Host header. fetch cannot: Host is a
 * forbidden header there. No connection is kept, so nothing holds a stopping nginx open. With `ca`,
 * the request is HTTPS with `host` as the TLS server name, trusting only that CA (a PEM root): the
 * certificate must verify for `host` or the request fails.
 */
export function requestWithHost(
  port: number,
  host: string,
  { path = "/", method = "GET", body, ca }: { path?: string; method?: string; body?: Buffer; ca?: string } = {},
): Promise<HostResponse> {
  return new Promise((resolve, reject) => {
    const answer = (response: IncomingMessage) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      response.on("error", reject);
    };
    const options = { host: "127.0.0.1", port, path, method, headers: { host }, agent: false, timeout: 10_000 };
    const outgoing =
      ca === undefined ? httpRequest(options, answer) : httpsRequest({ ...options, ca, servername: host }, answer);
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer from 127.0.0.1:${port} within 10 s`)));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
