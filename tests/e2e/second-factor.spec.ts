// The second factor in Chromium (issue 16, item 5): an admin sets up an authenticator app on the
// Account page (the test plays the app: it reads the key shown as text and computes codes with
// otplib), signs out, signs in with a code, and, once the session's proof is over 15 minutes old
// (aged in the database), is asked to confirm with the authenticator before a host shell; after
// confirming, the shell opens.
import { mkdirSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { type AgentProcess, agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "../support/agents.ts";
import { ageSecondFactorProof, freshCode } from "../support/second-factor.ts";
import { waitFor } from "../support/wait-for.ts";
import { baseUrl, databaseUrl } from "./helpers.ts";

const admin = { name: "Tess Totp", email: "tess@example.com", password: "tess totp password" };
const SCREENS = "test-results/e2e/screens";
const hostName = `totp-e2e-${Date.now().toString(36)}`;

let agent: AgentProcess | undefined;
let agentDir: string | undefined;
let hostId = "";

test.beforeAll(async ({ request }) => {
  mkdirSync(SCREENS, { recursive: true });
  // foundation.spec.ts made the first admin; it adds ours.
  const first = await request.post(`${baseUrl()}/api/trpc/auth.signIn`, {
    data: { email: "ada@example.com", password: "correct horse battery" },
  });
  expect(first.ok()).toBe(true);
  await request.post(`${baseUrl()}/api/trpc/users.create`, {
    data: { email: admin.email, name: admin.name, password: admin.password, role: "admin" },
  });
  const created = await request.post(`${baseUrl()}/api/trpc/hosts.createEnrollment`, { data: { name: hostName } });
  const token = (await created.json()).result.data.token as string;
  agentDir = agentConfigDir();
  const enrolled = await enrollAgent(agentDir, baseUrl(), token);
  if (enrolled.code !== 0) throw new Error(enrolled.stderr);
  agent = runAgent(agentDir);
  const online = await waitFor(
    async () => {
      const hosts = (await (await request.get(`${baseUrl()}/api/trpc/hosts.list`)).json()).result.data.hosts as {
        id: string;
        name: string;
        status: string;
      }[];
      return hosts.find((h) => h.name === hostName && h.status === "online");
    },
    { what: `${hostName} to come Online`, timeoutMs: 30_000, intervalMs: 250 },
  );
  hostId = online.id;
});

test.afterAll(async () => {
  await agent?.kill();
  if (agentDir) removeConfigDir(agentDir);
});

async function passwordStep(page: Page) {
  await page.goto(`${baseUrl()}/sign-in`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByRole("textbox", { name: "Password" }).fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an admin enrols, signs in with a code, and confirms with the authenticator before a host shell", async ({
  page,
}) => {
  test.setTimeout(150_000);
  // Before enrolling, the password alone signs in.
  await passwordStep(page);
  await expect(page).toHaveURL(/\/apps$/);

  await page.goto(`${baseUrl()}/account`);
  const section = page.getByRole("region", { name: "Second factor" });
  await expect(section.getByText("Off", { exact: true })).toBeVisible();
  await section.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await section.getByTestId("second-factor-secret").textContent()) ?? "";
  expect(secret).toMatch(/^[A-Z2-7 ]{20,}$/);
  await page.screenshot({ path: `${SCREENS}/second-factor-enrol.png`, fullPage: true });

  // A wrong code is refused with a sentence; the app's code turns it on.
  await section.getByLabel("Code from the app").fill("000000");
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByRole("alert")).toContainText("That code is not right");
  await section.getByLabel("Code from the app").fill(await freshCode(databaseUrl(), admin.email, secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  const codes = section.getByTestId("recovery-codes");
  await expect(codes.locator("code")).toHaveCount(10);
  await section.getByRole("button", { name: "I have saved them" }).click();
  await expect(section.getByText("On", { exact: true })).toBeVisible();
  await expect(section.getByText("10 recovery codes left")).toBeVisible();

  // Signed out; the password alone no longer signs in: the code step follows.
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await passwordStep(page);
  await expect(page.getByRole("heading", { name: "Enter your code" })).toBeVisible();
  await page.getByLabel("Authentication code").fill(await freshCode(databaseUrl(), admin.email, secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/apps$/);

  // Fresh from sign-in a host shell would open at once; 16 minutes later it asks again.
  await ageSecondFactorProof(databaseUrl(), admin.email, 16);
  await page.goto(`${baseUrl()}/hosts/${hostId}`);
  await page.getByRole("link", { name: "Host shell" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm with your authenticator" });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/second-factor-step-up.png`, fullPage: true });
  await dialog.getByLabel("Authentication code").fill(await freshCode(databaseUrl(), admin.email, secret));
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { name: `Shell: host ${hostName}` })).toBeVisible();
  await page.getByTestId("terminal").click();
  await page.keyboard.type("echo step-$((20+3))");
  await page.keyboard.press("Enter");
  await expect(page.locator(".xterm-rows")).toContainText("step-23");
  await page.getByRole("button", { name: "End session" }).click();
  await expect(page.getByText("This session has ended")).toBeVisible();
});
