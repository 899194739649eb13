// How answers the portal might give become messages and exit codes. The answers come from a
// node:http server on 127.0.0.1 scripted per test (a stand-in for the portal's REST API).
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { EXIT } from "../errors";
import { request } from "./request";

type Answer = { status: number; headers?: Record<string, string>; body: string };
let answer: Answer = { status: 200, body: "{}" };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(answer.status, answer.headers ?? { "content-type": "application/json" });
    response.end(answer.body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const okSchema = z.object({ ok: z.boolean() });

async function failure(next: Answer) {
  answer = next;
  try {
    await request({ url, token: "wh_secret_key", tokenSource: "WHEELHOUSE_TOKEN" }, "GET", "/apps", okSchema);
  } catch (error) {
    return error as { message: string; exitCode: number };
  }
  throw new Error("the request succeeded");
}

describe("answers that are not a success", () => {
  it("show the portal's message and exit 1 for 4xx and 5xx", async () => {
    const error = await failure({
      status: 409,
      body: '{"message":"An app named billing-api already exists.","code":"CONFLICT"}',
    });
    expect(error).toMatchObject({ message: "An app named billing-api already exists.", exitCode: EXIT.failed });
  });

  it("add Retry-After to a 429", async () => {
    const error = await failure({
      status: 429,
      headers: { "content-type": "application/json", "retry-after": "30" },
      body: '{"message":"Too many requests","code":"TOO_MANY_REQUESTS"}',
    });
    expect(error.message).toBe("Too many requests. Try again in 30 s.");
  });

  it("exit 3 on 401 and name where the key came from, never the key", async () => {
    const error = await failure({ status: 401, body: '{"message":"This API key was revoked.","code":"UNAUTHORIZED"}' });
    expect(error.exitCode).toBe(EXIT.notLoggedIn);
    expect(error.message).toContain("refused the API key from WHEELHOUSE_TOKEN: This API key was revoked");
    expect(error.message).not.toContain("wh_secret_key");
  });

  it("say what came back when it is not the portal's JSON (a proxy's 502 page)", async () => {
    const error = await failure({
      status: 502,
      headers: { "content-type": "text/html" },
      body: "<h1>Bad gateway</h1>",
    });
    expect(error).toMatchObject({
      message: `The portal at ${url} answered GET /api/v1/apps with 502 Bad Gateway.`,
      exitCode: EXIT.failed,
    });
  });

  it("do not follow redirects, which could carry the key elsewhere", async () => {
    const error = await failure({
      status: 301,
      headers: { location: "https://portal.example.com/api/v1/apps" },
      body: "",
    });
    expect(error.message).toContain("redirects GET /api/v1/apps to https://portal.example.com/api/v1/apps");
    expect(error.exitCode).toBe(EXIT.failed);
  });
});

describe("successful answers", () => {
  it("are parsed with the schema", async () => {
    answer = { status: 200, body: '{"ok":true,"extra":1}' };
    await expect(request({ url }, "GET", "/apps", okSchema)).resolves.toEqual({ ok: true });
  });

  it("that do not match the schema are reported as a version mismatch, exit 1", async () => {
    const error = await failure({ status: 200, body: '{"ok":"yes"}' });
    expect(error.message).toMatch(/^The portal's answer to GET \/api\/v1\/apps is not what this CLI expects \(ok: /);
    expect(error.exitCode).toBe(EXIT.failed);
  });
});

it("gives up after the timeout with exit 4", async () => {
  const silent = createServer(() => {});
  silent.listen(0, "127.0.0.1");
  await once(silent, "listening");
  const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  try {
    await expect(request({ url: silentUrl, timeoutMs: 200 }, "GET", "/me", okSchema)).rejects.toMatchObject({
      message: expect.stringContaining(`Could not reach the portal at ${silentUrl} (no answer within 0.2 s)`),
      exitCode: EXIT.unreachable,
    });
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
});
