// Settings → Registries in a real browser: a login added through the API shows in the table (host,
// user name, who added it) with no trace of its password on the page, and an admin removes it
// after confirming.
import { expect, test } from "@playwright/test";
import { baseUrl } from "./helpers.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };
const LOGIN = { host: "e2e-registry.example.com:5000", username: "e2e-bot", password: "e2e-Registry-Secret-91c4" };

test("a login added through the API is listed on the Registries page, without its password", async ({ page }) => {
  // page.request shares the page's cookies: signing in here signs the page in.
  const signedIn = await page.request.post(`${baseUrl()}/api/trpc/auth.signIn`, { data: ADMIN });
  expect(signedIn.ok()).toBe(true);
  const added = await page.request.post(`${baseUrl()}/api/trpc/registries.add`, { data: LOGIN });
  expect(added.ok(), await added.text()).toBe(true);
  expect(await added.text()).not.toContain(LOGIN.password);

  await page.goto(`${baseUrl()}/settings`);
  await page.getByRole("link", { name: "Open Registries" }).click();
  await expect(page).toHaveURL(/\/settings\/registries$/);
  const row = page.getByTestId(`registry-login-${LOGIN.host}`);
  await expect(row).toContainText(LOGIN.host);
  await expect(row).toContainText(LOGIN.username);
  await expect(row).toContainText(ADMIN.email);
  expect(await page.content()).not.toContain(LOGIN.password);

  await row.getByRole("button", { name: `Remove the login for ${LOGIN.host}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove login" }).click();
  await expect(page.getByText("Registry login removed")).toBeVisible();
  await expect(row).toHaveCount(0);
});
