// Settings → Notifications in a real browser: an admin adds a webhook (the secret shown once),
// sends a test that reaches a receiver on loopback signed with that secret, reads the delivery log
// with its attempt, disables and removes the webhook after confirming; a viewer is told admins
// manage this. Screenshots of each state, light and dark, go to test-results/e2e/screens/notifications/ with axe's findings.
import { expect, test } from "@playwright/test";
import { waitFor } from "../support/wait-for.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";
import { baseUrl, signIn } from "./helpers.ts";
import { shootAndCheck } from "./screens.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };
const VIEWER = { email: "nora.notify@example.com", name: "Nora Notify", password: "viewer-password-12" };
const SHOTS = "test-results/e2e/screens/notifications";

const receiver = new WebhookReceiver();

test.beforeAll(async () => {
  await receiver.start();
});

test.afterAll(async () => {
  await receiver.stop();
});

test("an admin adds a webhook, sends a test that arrives signed, reads the log, disables and removes it", async ({
  page,
}) => {
  const findings: string[] = [];
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`${baseUrl()}/settings`);
  await page.getByRole("link", { name: "Open Notifications" }).click();
  await expect(page).toHaveURL(/\/settings\/notifications$/);
  await expect(page.getByText("No webhooks yet")).toBeVisible();
  findings.push(...(await shootAndCheck(page, "notifications-empty", { dir: SHOTS })));

  await page.getByRole("button", { name: "Add webhook" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Add webhook" }).click();
  await expect(dialog.getByText("Give the webhook a name.")).toBeVisible();
  await dialog.getByLabel("Name").fill("Ops channel");
  await dialog.getByLabel("URL").fill(`${receiver.url}?token=e2e-url-secret`);
  await dialog.getByRole("checkbox", { name: "A deployment failed" }).uncheck();
  findings.push(...(await shootAndCheck(page, "notifications-add", { dir: SHOTS })));
  await dialog.getByRole("button", { name: "Add webhook" }).click();
  const secret = (await dialog.getByTestId("webhook-secret").textContent()) ?? "";
  expect(secret).toMatch(/^whsec_/);
  receiver.setSecret(secret);
  findings.push(...(await shootAndCheck(page, "notifications-secret", { dir: SHOTS })));
  await dialog.getByRole("button", { name: "Done" }).click();

  const row = page.getByTestId("webhook-Ops channel");
  await expect(row).toContainText(`http://127.0.0.1:${receiver.port}/…`);
  await expect(row).toContainText("None yet");
  expect(await page.content()).not.toContain("e2e-url-secret");
  expect(await page.content()).not.toContain(secret);

  await row.getByRole("button", { name: "Send a test to Ops channel" }).click();
  await expect(page.getByText("Test queued")).toBeVisible();
  const test = await waitFor(() => receiver.ofEvent("webhook.test")[0], {
    what: "the test at the receiver",
    timeoutMs: 20_000,
  });
  expect(test.verified).toBe(true);
  await expect(row).toContainText("delivered", { timeout: 15_000 });
  await expect(row).toContainText("HTTP 200");
  await expect(page.getByText("Test queued")).toBeHidden({ timeout: 10_000 });
  findings.push(...(await shootAndCheck(page, "notifications-list", { dir: SHOTS })));

  await row.getByRole("button", { name: "Delivery log" }).click();
  const log = page.getByRole("dialog", { name: "Deliveries to Ops channel" });
  const item = log.getByTestId(`delivery-${test.id}`);
  await expect(item).toContainText("webhook.test");
  await expect(item).toContainText("delivered");
  await item.getByRole("button").first().click();
  await expect(item.getByRole("table", { name: "Attempts" })).toContainText("HTTP 200");
  findings.push(...(await shootAndCheck(page, "notifications-log", { dir: SHOTS })));
  await page.keyboard.press("Escape");
  await expect(log).toHaveCount(0);

  // By keyboard, as a person without a mouse would.
  await row.getByRole("switch", { name: "Ops channel enabled" }).focus();
  await page.keyboard.press("Space");
  await expect(page.getByText("Webhook disabled")).toBeVisible();
  await expect(row.getByRole("button", { name: "Send a test to Ops channel" })).toBeDisabled();

  await row.getByRole("button", { name: "Remove the webhook Ops channel" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove webhook" }).click();
  await expect(page.getByText("Webhook removed")).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(findings).toEqual([]);
});

test("a viewer is told that admins manage notifications", async ({ page, browser }) => {
  const signedIn = await page.request.post(`${baseUrl()}/api/trpc/auth.signIn`, { data: ADMIN });
  expect(signedIn.ok()).toBe(true);
  const made = await page.request.post(`${baseUrl()}/api/trpc/users.create`, { data: { ...VIEWER, role: "viewer" } });
  expect(made.ok(), await made.text()).toBe(true);
  const context = await browser.newContext();
  const viewerPage = await context.newPage();
  try {
    await signIn(viewerPage, VIEWER.email, VIEWER.password);
    await viewerPage.goto(`${baseUrl()}/settings/notifications`);
    await expect(viewerPage.getByText("Admins manage notifications")).toBeVisible();
    await expect(viewerPage.getByRole("button", { name: "Add webhook" })).toHaveCount(0);
    expect(await shootAndCheck(viewerPage, "notifications-viewer", { dir: SHOTS })).toEqual([]);
  } finally {
    await context.close();
  }
});
