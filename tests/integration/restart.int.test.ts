// A portal restart loses nothing: people stay signed in, accounts and audit events remain.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ApiClient, setUpAdmin } from "../support/api-client.ts";
import { type Portal, startPortal } from "../support/portal.ts";

const dataDir = mkdtempSync(join(tmpdir(), "wheelhouse-restart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("portal restart", () => {
  it("keeps sessions, users and the audit trail, and applies no migration twice", async () => {
    const first: Portal = await startPortal({ dataDir });
    const admin = await setUpAdmin(first.url);
    await admin.mutate("users.create", {
      email: "keep@example.com",
      name: "Keep",
      password: "keep-password-1",
      role: "operator",
    });
    const eventsBefore = (await admin.query<{ events: unknown[] }>("audit.list", {})).data?.events.length ?? 0;
    await first.stop();

    const second = await startPortal({ dataDir, databaseUrl: first.databaseUrl, port: first.port });
    try {
      const reconnected = new ApiClient(second.url);
      reconnected.cookie = admin.cookie;
      const status = await reconnected.query<{ user: { email: string } | null }>("auth.status");
      expect(status.data?.user?.email).toBe("admin@example.com");
      const members = await reconnected.query<{ email: string }[]>("users.list");
      expect(members.data?.map((m) => m.email)).toContain("keep@example.com");
      const eventsAfter = (await reconnected.query<{ events: unknown[] }>("audit.list", {})).data?.events.length ?? 0;
      expect(eventsAfter).toBe(eventsBefore);
      const applied = second.logs.find((line) => line.msg === "database schema is current")?.applied;
      expect(applied).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
