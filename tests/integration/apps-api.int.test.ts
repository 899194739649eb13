// Apps through the REST API with API keys, without any host doing work: validation sentences, the
// OpenAPI document, key life cycle and secrets that never come back. Deployments on a real Docker
// engine and nginx are in deployments.int.test.ts.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { waitForDeployment } from "../support/deployments.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, RestClient } from "../support/rest-client.ts";

let portal: Portal;
let rest: RestClient;
let hostId: string;

beforeAll(async () => {
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  hostId = await enrollHostRow(admin, portal.url, "api-host");
});

afterAll(async () => {
  await portal?.stop();
});

describe("the REST API", () => {
  it("serves an OpenAPI document naming the CLI's endpoints", async () => {
    const res = await fetch(`${portal.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\./);
    for (const [path, method] of [
      ["/apps", "get"],
      ["/apps", "post"],
      ["/apps/{name}", "get"],
      ["/apps/{name}/deployments", "post"],
      ["/apps/{name}/releases", "get"],
      ["/apps/{name}/rollback", "post"],
      ["/apps/{name}/maintenance", "put"],
      ["/deployments/{id}", "get"],
      ["/deployments/{id}/log", "get"],
      ["/users", "get"],
      ["/users", "post"],
      ["/me", "get"],
      ["/auth/api-keys/password", "post"],
    ] as const) {
      expect(document.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
  });

  it("refuses a missing, forged or revoked key with 401", async () => {
    expect((await new RestClient(portal.url).call("GET", "/apps")).status).toBe(401);
    expect((await new RestClient(portal.url, `whk_${"x".repeat(43)}`).call("GET", "/apps")).status).toBe(401);
    const created = await rest.call<{ token: string; apiKey: { id: string; prefix: string } }>(
      "POST",
      "/auth/api-keys",
      { name: "short-lived" },
    );
    expect(created.status).toBe(200);
    const key = new RestClient(portal.url, created.body.token);
    expect((await key.call("GET", "/me")).status).toBe(200);
    expect((await rest.call("DELETE", `/auth/api-keys/${created.body.apiKey.id}`)).status).toBe(200);
    expect((await key.call("GET", "/me")).status).toBe(401);
    // Only the hash is stored.
    const rows = await sql<{ keyHash: string }>(portal.databaseUrl, `SELECT "keyHash" FROM "ApiKey"`);
    expect(rows.every((row) => !row.keyHash.includes(created.body.token))).toBe(true);
  });

  it("refuses a wrong password for a key, like sign-in does", async () => {
    const result = await new RestClient(portal.url).call("POST", "/auth/api-keys/password", {
      email: ADMIN.email,
      password: "wrong",
      name: "x",
    });
    expect(result.status).toBe(401);
    expect(result.body.message).toContain("do not match");
  });

  it("creates an app, on the only host when none is named, and never shows a secret back", async () => {
    const created = await rest.call<{
      app: { name: string; hosts: { id: string }[]; secretKeys: string[]; env: object };
    }>("POST", "/apps", {
      name: "billing-api",
      image: "registry.example.com/team/billing:1.4.2",
      port: 8080,
      domains: ["billing.example.com"],
      env: { LOG_LEVEL: "info" },
      secrets: { DATABASE_URL: "postgres://user:hunter2@db/billing" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.app.hosts.map((h) => h.id)).toEqual([hostId]);
    expect(created.body.app.secretKeys).toEqual(["DATABASE_URL"]);
    const fetched = await rest.call<{ app: unknown }>("GET", "/apps/billing-api");
    expect(JSON.stringify(fetched.body)).not.toContain("hunter2");
    const stored = await sql<{ secrets: string }>(
      portal.databaseUrl,
      `SELECT "secrets" FROM "App" WHERE "name" = 'billing-api'`,
    );
    expect(stored[0]?.secrets).not.toContain("hunter2");
    expect(stored[0]?.secrets).toContain("v1:");
    const audit = await sql<{ details: string }>(
      portal.databaseUrl,
      `SELECT "details" FROM "AuditEvent" WHERE "action" = 'apps.create'`,
    );
    expect(audit.map((a) => a.details).join("")).not.toContain("hunter2");
  });

  it("explains each invalid field and changes nothing", async () => {
    const before = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "App"`);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: "Bad Name", image: "x:1", port: 80 }, /app name is 2–40 lower-case/],
      [{ name: "ok-name", image: "UPPER/Case", port: 80 }, /image reference looks like/],
      [{ name: "ok-name", image: "x:1", port: 70000 }, /port is a whole number/],
      [{ name: "ok-name", image: "x:1", port: 80, domains: ["bad domain"] }, /domain is dot-separated/],
      [{ name: "ok-name", image: "x:1", port: 80, env: { "1BAD": "x" } }, /variable name is letters/],
      [{ name: "ok-name", image: "x:1", port: 80, env: { PORT: "1" } }, /PORT is set by Wheelhouse/],
      [
        { name: "ok-name", image: "x:1", port: 80, domains: ["billing.example.com"] },
        /already served by the app billing-api/,
      ],
      [{ name: "billing-api", image: "x:1", port: 80 }, /already exists/],
      [{ name: "ok-name", image: "x:1", port: 80, hosts: ["nowhere"] }, /no active host named nowhere/],
    ];
    for (const [body, message] of cases) {
      const result = await rest.call("POST", "/apps", body);
      expect(result.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
      expect(result.body.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "App"`)).toEqual(before);
  });

  it("queues a deployment and fails it plainly when the host's agent is offline", async () => {
    const started = await rest.call<{ deployment: { id: string; status: string } }>(
      "POST",
      "/apps/billing-api/deployments",
      { reason: "first" },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id = started.body.deployment.id;
    const deployment = await waitForDeployment(rest, id, 5_000);
    expect(deployment.status).toBe("Failed");
    expect(deployment.failureReason).toMatch(/agent on api-host is not connected/);
    expect(deployment.transitions.map((t) => t.status)).toEqual(["Queued", "Failed"]);
    const log = await rest.call<{ lines: { text: string }[]; finished: boolean }>(
      "GET",
      `/deployments/${id}/log?after=0`,
    );
    expect(log.body.finished).toBe(true);
    expect(log.body.lines.map((l) => l.text).join("\n")).toMatch(/deploy requested by admin@example.com/);
  });

  it("refuses a rollback to a release that never existed", async () => {
    const result = await rest.call("POST", "/apps/billing-api/rollback", { releaseNumber: 7 });
    expect(result.status).toBe(404);
    expect(result.body.message).toMatch(/has no release 7/);
  });

  it("refuses to restart or scale an app that never went live, and leaves its instance count alone", async () => {
    const restart = await rest.call("POST", "/apps/billing-api/restart", {});
    expect(restart.status).toBe(409);
    expect(restart.body.message).toBe("billing-api has no live release to restart. Deploy it first.");
    const scale = await rest.call("POST", "/apps/billing-api/scale", { replicas: 3 });
    expect(scale.status).toBe(409);
    expect(scale.body.message).toBe("billing-api has no live release to scale. Deploy it first.");
    const app = await rest.call<{ app: { replicas: number } }>("GET", "/apps/billing-api");
    expect(app.body.app.replicas).toBe(1);
  });

  it("keeps maintenance on when a host's nginx cannot take it, says so, and audits who asked and what failed", async () => {
    const result = await rest.call("PUT", "/apps/billing-api/maintenance", { enabled: true });
    expect(result.status).toBe(503);
    expect(result.body.message).toMatch(
      /^Maintenance is on in Wheelhouse, but a host's nginx did not take it: .*agent is not connected/,
    );
    const app = await rest.call<{ app: { maintenance: boolean } }>("GET", "/apps/billing-api");
    expect(app.body.app.maintenance).toBe(true);
    const rows = await sql<{ actorEmail: string; teamId: string | null; ip: string; outcome: string; details: string }>(
      portal.databaseUrl,
      `SELECT "actorEmail", "teamId", "ip", "outcome", "details" FROM "AuditEvent" WHERE "action" = 'apps.maintenance.on'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorEmail: ADMIN.email, outcome: "success" });
    expect(rows[0]?.teamId).toBeTruthy();
    expect(rows[0]?.ip).toMatch(/127\.0\.0\.1$/);
    expect(JSON.parse(rows[0]?.details ?? "{}")).toMatchObject({
      name: "billing-api",
      error: expect.stringMatching(/agent is not connected/),
    });
  });
});
