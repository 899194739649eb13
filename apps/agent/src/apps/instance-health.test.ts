// The probe against real HTTP servers on loopback (no Docker needed).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "./instance-health";

let server: Server;
let port: number;
const seen: { path: string | undefined; connection: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ path: request.url, connection: request.headers.connection });
    if (request.url === "/health") response.writeHead(200).end("ok");
    else if (request.url === "/moved") response.writeHead(302, { Location: "/health" }).end();
    else if (request.url === "/slow") setTimeout(() => response.writeHead(200).end(), 2_000);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("probe", () => {
  it("is healthy on 2xx and 3xx and asks for the connection to be closed", async () => {
    expect(await probe(port, "/health", 1_000)).toEqual({ healthy: true });
    expect(await probe(port, "/moved", 1_000)).toEqual({ healthy: true });
    expect(seen[0]).toEqual({ path: "/health", connection: "close" });
  });

  it("names the status of any other answer", async () => {
    expect(await probe(port, "/missing", 1_000)).toEqual({ healthy: false, failure: "HTTP 404", status: 404 });
  });

  it("adds the leading slash a path lacks", async () => {
    expect(await probe(port, "health", 1_000)).toEqual({ healthy: true });
  });

  it("gives up after its timeout", async () => {
    expect(await probe(port, "/slow", 200)).toEqual({ healthy: false, failure: "no answer within 0.2 s" });
  });

  it("says when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await probe(freePort, "/health", 1_000)).toEqual({ healthy: false, failure: "connection refused" });
  });
});
