// A shell's time limits against a real portal, agent and Docker engine, with short settings: a
// shell nobody types in closes after TERMINAL_IDLE_MINUTES; a shell whose browser went away waits
// TERMINAL_GRACE_SECONDS for it to attach again, then closes. Both say why, in the session's row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, type TestHost } from "../support/deployments.ts";
import { dockerAvailable, removeTestContainers, runTestContainer, type TestContainer } from "../support/docker.ts";
import { waitForListedContainer } from "../support/inventory.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { connectTerminal, openContainerShell } from "../support/terminal-client.ts";
import { waitFor } from "../support/wait-for.ts";

const IDLE_MINUTES = 0.1;
const IDLE_MS = IDLE_MINUTES * 60_000;
const GRACE_SECONDS = 3;
const PROMPT = /[#$] /;

let portal: Portal;
let admin: ApiClient;
let host: TestHost;
let box: TestContainer;

async function sessionRow(id: string) {
  const rows = await sql<{ endReason: string | null; endedAt: string | null }>(
    portal.databaseUrl,
    `SELECT "endReason", "endedAt" FROM "TerminalSession" WHERE id = $1`,
    [id],
  );
  return rows[0];
}

async function waitForEndReason(id: string, withinMs: number): Promise<string | null> {
  const row = await waitFor(() => sessionRow(id), {
    what: `terminal session ${id} to end`,
    timeoutMs: withinMs,
    intervalMs: 200,
    until: (found) => Boolean(found?.endedAt),
  });
  return row?.endReason ?? null;
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  portal = await startPortal({
    env: { TERMINAL_IDLE_MINUTES: String(IDLE_MINUTES), TERMINAL_GRACE_SECONDS: String(GRACE_SECONDS) },
  });
  admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "shell-limits-host");
  box = await runTestContainer({ command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3000 & wait"] });
  await waitForListedContainer(admin, host.id, box.id);
}, 120_000);

afterAll(async () => {
  await host?.tearDown();
  await removeTestContainers();
  await portal?.stop();
});

describe("shell time limits", () => {
  it("closes a shell nobody types in after the idle timeout, and says why", async () => {
    const shell = await openContainerShell(admin, host.id, box.id);
    await shell.waitFor(PROMPT);
    const quietSince = Date.now();
    const ended = await shell.ended;
    expect(ended.reason).toBe("idle");
    expect(ended.message).toMatch(/without input/);
    expect(Date.now() - quietSince).toBeGreaterThanOrEqual(IDLE_MS - 1_000);
    expect(await waitForEndReason(shell.sessionId, 5_000)).toBe("idle");
  }, 30_000);

  it("waits the grace period for its browser to come back, then closes", async () => {
    const shell = await openContainerShell(admin, host.id, box.id);
    await shell.waitFor(PROMPT);
    // The browser goes away (a reload) and comes back within the grace period: same session.
    shell.close();
    const again = await admin.mutate<{ token: string }>("terminal.attach", {
      sessionId: shell.sessionId,
      mode: "control",
    });
    expect(again.status).toBe(200);
    const back = await connectTerminal(portal.url, admin.cookie ?? "", again.data?.token ?? "");
    back.send("echo still-here\r");
    await back.waitFor("still-here");
    // It goes away for good: the session closes after the grace period, and cannot be attached.
    const leftAt = Date.now();
    back.close();
    expect(await waitForEndReason(shell.sessionId, GRACE_SECONDS * 1_000 + 5_000)).toBe("detached");
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1_000 - 500);
    const late = await admin.mutate("terminal.attach", { sessionId: shell.sessionId, mode: "control" });
    expect(late.status).toBe(404);
  }, 30_000);
});
