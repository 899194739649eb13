// The install routes over a real HTTP server: the script with the portal's address quoted for sh,
// the tarball and its checksum from a bundle folder, and 503 with a sentence while none is built.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleInstall, INSTALL_PATHS, type InstallServices } from "./install-routes";
import { scriptPortalUrl, shQuote, templateScript } from "./install-script";

const PUBLIC_URL = "https://wheelhouse.example.com";
const bundleDir = mkdtempSync(join(tmpdir(), "wheelhouse-install-"));
const services: InstallServices = {
  config: { publicUrl: PUBLIC_URL, agentBundleDir: bundleDir },
  logger: { warn: () => undefined },
};
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    void handleInstall(services, req, res, new URL(req.url ?? "/", "http://x").pathname);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(bundleDir, { recursive: true, force: true });
});

/** GET with a chosen Host header (fetch may not set it). */
function get(path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: Buffer; type: string }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, headers: { host }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks),
          type: String(res.headers["content-type"]),
        }),
      );
    })
      .on("error", reject)
      .end();
  });
}

describe("the portal address written into the script", () => {
  it("is PUBLIC_URL for a request made under its host", () => {
    expect(scriptPortalUrl(PUBLIC_URL, "wheelhouse.example.com", false)).toBe(PUBLIC_URL);
  });

  it("is the request's own origin when the host reached the portal at another address", () => {
    expect(scriptPortalUrl(PUBLIC_URL, "10.0.0.5:3000", false)).toBe("http://10.0.0.5:3000");
    expect(scriptPortalUrl(PUBLIC_URL, "[::1]:3000", false)).toBe("http://[::1]:3000");
  });

  it("falls back to PUBLIC_URL for a Host header that is no plain host", () => {
    expect(scriptPortalUrl(PUBLIC_URL, "a$(reboot).example.com", false)).toBe(PUBLIC_URL);
    expect(scriptPortalUrl(PUBLIC_URL, "x' ; rm -rf / ; '", false)).toBe(PUBLIC_URL);
    expect(scriptPortalUrl(PUBLIC_URL, undefined, false)).toBe(PUBLIC_URL);
  });

  it("is one sh word whatever it holds", () => {
    expect(shQuote("it's")).toBe("'it'\\''s'");
    expect(templateScript("PORTAL_URL='@@WHEELHOUSE_PORTAL_URL@@'\n", "http://a'b")).toBe(
      "PORTAL_URL='http://a'\\''b'\n",
    );
  });
});

describe("GET /install/*", () => {
  it("serves the script with the address the request came to", async () => {
    const answer = await get(INSTALL_PATHS.script);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/x-shellscript/);
    const text = answer.body.toString("utf8");
    expect(text.startsWith("#!/bin/sh\n")).toBe(true);
    expect(text).toContain(`PORTAL_URL='http://127.0.0.1:${port}'`);
    expect(text).not.toContain("@@WHEELHOUSE_PORTAL_URL@@'\n");
  });

  it("answers 503 with a sentence while no bundle is built", async () => {
    for (const path of [INSTALL_PATHS.tarball, INSTALL_PATHS.checksum]) {
      const answer = await get(path);
      expect(answer.status).toBe(503);
      expect(answer.body.toString()).toMatch(/The agent bundle is not built on this portal. Run `npm run build`/);
    }
  });

  it("streams the built tarball and its checksum", async () => {
    const tarball = Buffer.from("not really a tarball, but bytes all the same");
    const sha256 = createHash("sha256").update(tarball).digest("hex");
    const name = "wheelhouse-agent-9.9.9-linux-x64.tar.gz";
    writeFileSync(join(bundleDir, name), tarball);
    writeFileSync(
      join(bundleDir, "manifest.json"),
      JSON.stringify({ version: "9.9.9", platform: "linux", arch: "x64", tarball: name, sha256 }),
    );
    const served = await get(INSTALL_PATHS.tarball);
    expect(served.status).toBe(200);
    expect(served.type).toBe("application/gzip");
    expect(served.body.equals(tarball)).toBe(true);
    const checksum = await get(INSTALL_PATHS.checksum);
    expect(checksum.body.toString()).toBe(`${sha256}  ${name}\n`);
  });
});
