// The portal's ACME settings (issue 15) over REST: the environment's defaults until an admin saves
// others, refusals that change nothing, and the way back to the environment (DELETE), audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";

/** What tests/support/portal.ts gives every portal: a loopback port nobody answers. */
const ENVIRONMENT_DIRECTORY = "https://127.0.0.1:9/directory";
const SAVED = { directoryUrl: "https://127.0.0.1:14000/dir", caBundlePem: null, email: "ops@example.com" };

let portal: Portal;
let admin: RestClient;
let operator: RestClient;

beforeAll(async () => {
  portal = await startPortal({ env: { ACME_EMAIL: "env@example.com" } });
  const client = await setUpAdmin(portal.url);
  const OPERATOR = { email: "otto@example.com", name: "Otto", password: "operator-password-1", role: "operator" };
  const created = await client.mutate("users.create", OPERATOR);
  if (created.status !== 200) throw new Error(`could not create the operator: ${JSON.stringify(created.error)}`);
  admin = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  operator = await apiKeyFor(portal.url, OPERATOR.email, OPERATOR.password);
}, 120_000);

afterAll(async () => {
  await portal?.stop();
});

async function auditActions(): Promise<{ action: string; outcome: string }[]> {
  return sql<{ action: string; outcome: string }>(
    portal.databaseUrl,
    `SELECT action, outcome FROM "AuditEvent" WHERE action LIKE 'certificates.settings.%' ORDER BY id`,
  );
}

describe("ACME settings", () => {
  it("start from the environment, are saved by an admin, and go back to the environment on DELETE", async () => {
    const initial = await admin.call("GET", "/acme-settings");
    expect(initial.body).toEqual({
      directoryUrl: ENVIRONMENT_DIRECTORY,
      caBundlePem: null,
      email: "env@example.com",
      source: "environment",
    });

    const saved = await admin.call("PUT", "/acme-settings", SAVED);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await admin.call("GET", "/acme-settings")).body).toEqual({ ...SAVED, source: "settings" });

    // An operator may read them but neither change nor reset them; the refusal changes nothing.
    expect((await operator.call("GET", "/acme-settings")).status).toBe(200);
    expect((await operator.call("DELETE", "/acme-settings")).status).toBe(403);
    expect((await admin.call("GET", "/acme-settings")).body).toEqual({ ...SAVED, source: "settings" });

    const reset = await admin.call("DELETE", "/acme-settings");
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(reset.body).toEqual(initial.body);
    expect((await admin.call("GET", "/acme-settings")).body).toEqual(initial.body);
    // Nothing saved: a second reset changes nothing and says the same.
    expect((await admin.call("DELETE", "/acme-settings")).body).toEqual(initial.body);

    expect(await auditActions()).toEqual([
      { action: "certificates.settings.update", outcome: "success" },
      // A refusal of the permission gate is audited under the permission that was missing.
      { action: "certificates.settings.manage", outcome: "denied" },
      { action: "certificates.settings.reset", outcome: "success" },
      { action: "certificates.settings.reset", outcome: "success" },
    ]);
  });

  it("refuses a CA bundle without a certificate with its sentence, and keeps what was in use", async () => {
    const refused = await admin.call("PUT", "/acme-settings", { ...SAVED, caBundlePem: "not a certificate" });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("The CA bundle holds no PEM certificate");
    expect(((await admin.call("GET", "/acme-settings")).body as { source: string }).source).toBe("environment");
  });
});
