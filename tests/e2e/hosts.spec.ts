// An admin adds a host from the UI: the dialog shows the one install line with the portal's address
// and a fresh token; running the manual way it also shows (the same token) brings the host Online
// with its containers. An agent older than the portal is marked with the line that upgrades it; a
// viewer can neither add nor revoke hosts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { removeTestContainers, runDocker, runTestContainer } from "../support/docker.ts";
import { connectFakeAgent, type FakeAgent } from "../support/fake-agent.ts";
import { repoRoot } from "../support/portal.ts";
import { baseUrl, signIn } from "./helpers.ts";

const admin = { name: "Hana Hosts", email: "hana@example.com", password: "hosts admin password", team: "Hosts team" };
const viewer = { name: "Vera Viewer", email: "vera@example.com", password: "vera viewer password" };

let shell: ChildProcess | undefined;
let agentDir: string | undefined;
let oldAgent: FakeAgent | undefined;

test.afterAll(async () => {
  oldAgent?.close();
  if (shell?.pid) process.kill(-shell.pid, "SIGTERM");
  await removeTestContainers();
  if (agentDir) rmSync(agentDir, { recursive: true, force: true });
});

/** axe-core's WCAG 2.1 A and AA findings inside `selector` (the new parts of these pages), as "rule: elements". */
async function violationsIn(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .include(selector)
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

/** Signs in as this file's admin, setting the portal up first when it is fresh, or adding the admin through an existing one. */
async function ensureAdmin(request: APIRequestContext) {
  const status = await (await request.get(`${baseUrl()}/api/trpc/auth.status`)).json();
  if (status.result.data.setupRequired) {
    await request.post(`${baseUrl()}/api/trpc/auth.setup`, {
      data: { email: admin.email, name: admin.name, password: admin.password, teamName: admin.team },
    });
    return;
  }
  // Another spec set the portal up: its admin (see foundation.spec.ts) adds ours.
  const signedIn = await request.post(`${baseUrl()}/api/trpc/auth.signIn`, {
    data: { email: admin.email, password: admin.password },
  });
  if (signedIn.ok()) return;
  await request.post(`${baseUrl()}/api/trpc/auth.signIn`, {
    data: { email: "ada@example.com", password: "correct horse battery" },
  });
  await request.post(`${baseUrl()}/api/trpc/users.create`, {
    data: { email: admin.email, name: admin.name, password: admin.password, role: "admin" },
  });
}

test("an admin adds a host by running the shown command, and sees it Online with its containers", async ({
  page,
  request,
}) => {
  await ensureAdmin(request);
  const web = await runTestContainer({
    name: `e2e-web-${Date.now()}`,
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"],
  });

  await signIn(page, admin.email, admin.password);
  await page.getByRole("link", { name: "Hosts" }).click();
  await page.getByRole("button", { name: "Add host" }).first().click();
  await page.getByLabel("Host name").fill("e2e-host");
  await page.getByRole("button", { name: "Create enrolment command" }).click();
  // First the one line, with this portal's address (its PUBLIC_URL) and the token just made.
  const line = (await page.getByTestId("install-command").textContent()) ?? "";
  const installed = /^curl -fsSL (\S+)\/install\/agent\.sh \| sudo sh -s -- --token (whe_\S+)$/.exec(line);
  expect(installed?.[1], line).toBe(baseUrl());
  const token = installed?.[2] ?? "";
  await expect(page.getByRole("button", { name: "Copy the install command" })).toBeVisible();
  await page.screenshot({ path: "test-results/e2e/screens/add-host-dialog.png", fullPage: true });
  expect(await violationsIn(page, "[role=dialog]")).toEqual([]);
  // Under it, the other ways, with the same token: the manual one is run below, which proves the
  // token in the one line is the fresh, unused one.
  const command = (await page.getByTestId("enroll-command").textContent()) ?? "";
  expect(command).toBe(`wheelhouse-agent enroll --portal ${baseUrl()} --token ${token} && wheelhouse-agent run`);
  expect(await page.getByTestId("container-command").textContent()).toContain(`--token ${token}`);

  // Run exactly what the page shows, in a shell, as a person would paste it.
  agentDir = mkdtempSync(join(tmpdir(), "wheelhouse-e2e-agent-"));
  shell = spawn("sh", ["-c", command], {
    detached: true,
    stdio: "ignore",
    env: {
      ...process.env,
      PATH: `${join(repoRoot, "node_modules", ".bin")}:${process.env.PATH}`,
      WHEELHOUSE_AGENT_CONFIG_DIR: agentDir,
      // This host serves no app: no nginx of its own (the default would take port 8080 and outlive the test).
      NGINX_MODE: "off",
    },
  });

  await expect(page.getByText("e2e-host is online")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Done" }).click();
  const card = page.getByTestId("host-e2e-host");
  await expect(card.getByTestId("host-status")).toHaveText("Online");
  await page.screenshot({ path: "test-results/e2e/screens/hosts.png", fullPage: true });

  await card.getByRole("link", { name: "Containers and images →" }).click();
  const row = page.getByTestId(/^container-e2e-web-/);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.getByTestId("container-state")).toHaveText("running");
  await page.screenshot({ path: "test-results/e2e/screens/host-containers.png", fullPage: true });

  // Stop it from the UI: docker sees it stopped, and the page follows.
  await row.getByRole("button", { name: /^Actions for e2e-web-/ }).click();
  await page.getByRole("menuitem", { name: "Stop" }).click();
  await expect(row.getByTestId("container-state")).toHaveText("exited", { timeout: 15_000 });
  expect(await runDocker(["inspect", "--format", "{{.State.Status}}", web.id])).toBe("exited");
});

test("an agent older than the portal is marked, with the line that upgrades it in place", async ({ page, request }) => {
  await ensureAdmin(request);
  const api = new ApiClient(baseUrl());
  expect((await api.signIn(admin.email, admin.password)).status).toBe(200);
  // A hand-made agent that reports 0.0.9, older than any portal of this checkout (0.1.0 and later).
  oldAgent = await connectFakeAgent(baseUrl(), api, "old-agent", { version: "0.0.9" });

  await signIn(page, admin.email, admin.password);
  await page.getByRole("link", { name: "Hosts" }).click();
  const card = page.getByTestId("host-old-agent");
  await expect(card.getByTestId("agent-version")).toHaveText("Agent 0.0.9 · older");
  await expect(card.getByTestId("upgrade-command")).toHaveText(`curl -fsSL ${baseUrl()}/install/agent.sh | sudo sh`);
  // The agent of the first test is this checkout's own version: no mark, no upgrade line.
  const current = page.getByTestId("host-e2e-host");
  await expect(current.getByTestId("agent-version")).toHaveAttribute("data-version-status", "current");
  await expect(current.getByTestId("agent-upgrade")).toHaveCount(0);
  await page.screenshot({ path: "test-results/e2e/screens/hosts-outdated-agent.png", fullPage: true });
  expect(await violationsIn(page, '[data-testid="host-old-agent"]')).toEqual([]);

  await card.getByRole("link", { name: "old-agent" }).click();
  await expect(page.getByTestId("agent-upgrade")).toBeVisible();
  await expect(page.getByTestId("upgrade-command")).toHaveText(`curl -fsSL ${baseUrl()}/install/agent.sh | sudo sh`);
  await page.screenshot({ path: "test-results/e2e/screens/host-outdated-agent.png", fullPage: true });
});

test("a viewer cannot add or revoke hosts, in the UI or by a direct call", async ({ browser, request }) => {
  await ensureAdmin(request);
  await request.post(`${baseUrl()}/api/trpc/users.create`, {
    data: { email: viewer.email, name: viewer.name, password: viewer.password, role: "viewer" },
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, viewer.email, viewer.password);
  await page.getByRole("link", { name: "Hosts" }).click();
  await expect(page.getByTestId("host-e2e-host")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add host" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Revoke" })).toHaveCount(0);

  const hosts = await (await page.request.get(`${baseUrl()}/api/trpc/hosts.list`)).json();
  const hostId = hosts.result.data.hosts.find((h: { name: string }) => h.name === "e2e-host").id;
  const add = await page.request.post(`${baseUrl()}/api/trpc/hosts.createEnrollment`, {
    data: { name: "sneaky-host" },
  });
  expect(add.status()).toBe(403);
  const revoke = await page.request.post(`${baseUrl()}/api/trpc/hosts.revoke`, { data: { hostId } });
  expect(revoke.status()).toBe(403);
  await context.close();
});
