// Settings → Alerts and metrics in a real browser: an admin creates the Alertmanager signal token,
// sees it once with the receiver block to paste, and afterwards only its prefix; a viewer sees that
// the tokens exist, and no control to change them.
import { expect, test } from "@playwright/test";
import { baseUrl } from "./helpers.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };
const VIEWER = { email: `alerts-viewer-${Date.now()}@example.com`, password: "alerts-viewer-password", name: "Vi" };

test("an admin creates the signal token, shown once with the Alertmanager block; a viewer sees only that it exists", async ({
  page,
  browser,
}) => {
  // page.request shares the page's cookies: signing in here signs the page in.
  expect((await page.request.post(`${baseUrl()}/api/trpc/auth.signIn`, { data: ADMIN })).ok()).toBe(true);
  const madeViewer = await page.request.post(`${baseUrl()}/api/trpc/users.create`, {
    data: { ...VIEWER, role: "viewer" },
  });
  expect(madeViewer.ok(), await madeViewer.text()).toBe(true);
  // Start from no token, whatever an earlier run of this spec left on the shared portal.
  await page.request.post(`${baseUrl()}/api/trpc/signals.revokeToken`, { data: { kind: "signals" } });

  await page.goto(`${baseUrl()}/settings`);
  const card = page.getByRole("region", { name: "Alerts and metrics" });
  await expect(card).toBeVisible();
  await expect(card.getByTestId("signals-url")).toHaveText(`${baseUrl()}/api/v1/signals/alertmanager`);
  await expect(card.getByTestId("signals-token")).toHaveText("none yet");
  await expect(card.getByTestId("prometheus-snippet")).toContainText("http_sd_configs:");

  await card.getByRole("button", { name: "Create token for Alertmanager (the signal token)" }).click();
  const dialog = page.getByRole("dialog", { name: "Your Alertmanager signal token" });
  const token = (await dialog.getByTestId("signals-new-token").textContent()) ?? "";
  expect(token).toMatch(/^whs_[A-Za-z0-9_-]{43}$/);
  const snippet = dialog.getByTestId("signals-new-snippet");
  await expect(snippet).toContainText(`url: ${baseUrl()}/api/v1/signals/alertmanager`);
  await expect(snippet).toContainText(`credentials: ${token}`);
  await page.screenshot({ path: "test-results/e2e/alerts-metrics-new-token.png", fullPage: true });
  await dialog.getByRole("button", { name: "I have copied it" }).click();

  await expect(card.getByTestId("signals-token")).toContainText(`${token.slice(0, 12)}…`);
  await expect(card.getByTestId("signals-token")).toContainText(ADMIN.email);
  expect(await page.content()).not.toContain(token);
  await expect(card.getByRole("button", { name: "Rotate the Alertmanager signal token" })).toBeVisible();
  await page.screenshot({ path: "test-results/e2e/alerts-metrics-admin.png", fullPage: true });

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  const signedIn = await viewerPage.request.post(`${baseUrl()}/api/trpc/auth.signIn`, {
    data: { email: VIEWER.email, password: VIEWER.password },
  });
  expect(signedIn.ok()).toBe(true);
  await viewerPage.goto(`${baseUrl()}/settings`);
  const viewerCard = viewerPage.getByRole("region", { name: "Alerts and metrics" });
  await expect(viewerCard.getByTestId("signals-token")).toContainText(`${token.slice(0, 12)}…`);
  await expect(viewerCard.getByRole("button", { name: /Create|Rotate|Revoke/ })).toHaveCount(0);
  await expect(viewerCard.getByText("Only admins create, rotate and revoke this token.").first()).toBeVisible();
  await viewerPage.screenshot({ path: "test-results/e2e/alerts-metrics-viewer.png", fullPage: true });
  await viewerContext.close();
});
