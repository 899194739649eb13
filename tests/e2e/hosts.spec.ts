// An admin adds a host from the UI, runs the command it shows in a shell, and sees the host Online
// with its containers; a viewer can neither add nor revoke hosts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { removeTestContainers, runDocker, runTestContainer } from "../support/docker.ts";
import { repoRoot } from "../support/portal.ts";
import { baseUrl, signIn } from "./helpers.ts";

const admin = { name: "Hana Hosts", email: "hana@example.com", password: "hosts admin password", team: "Hosts team" };
const viewer = { name: "Vera Viewer", email: "vera@example.com", password: "vera viewer password" };

let shell: ChildProcess | undefined;
let agentDir: string | undefined;

test.afterAll(async () => {
  if (shell?.pid) process.kill(-shell.pid, "SIGTERM");
  await removeTestContainers();
  if (agentDir) rmSync(agentDir, { recursive: true, force: true });
});

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
  const command = (await page.getByTestId("enroll-command").textContent()) ?? "";
  expect(command).toMatch(
    /^wheelhouse-agent enroll --portal http:\/\/127\.0\.0\.1:\d+ --token whe_\S+ && wheelhouse-agent run$/,
  );

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
