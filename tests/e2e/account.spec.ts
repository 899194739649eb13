// Account page in a real browser (issue 16): reached from the user menu; a wrong current password
// is refused with the server's sentence; the right one changes it, says the other session was
// signed out, and that other browser's open page goes to sign-in at once; a session is ended from
// the Sessions table after confirming.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { baseUrl, signIn } from "./helpers.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };
const PERSON = { name: "Owen Owner", email: "owen.owner@example.com", password: "owen first password" };
const NEW_PASSWORD = "owen second password";

async function signedInPage(browser: Browser, password: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, PERSON.email, password);
  return page;
}

test.beforeAll(async () => {
  const admin = new ApiClient(baseUrl());
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  const created = await admin.mutate("users.create", { ...PERSON, role: "viewer" });
  expect(created.status, JSON.stringify(created.error)).toBe(200);
});

test("changing the password on the Account page signs the other browser out", async ({ browser }) => {
  const page = await signedInPage(browser, PERSON.password);
  const other = await signedInPage(browser, PERSON.password);

  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: PERSON.name })).toBeVisible();
  await expect(page.getByTestId("account-role")).toHaveText("viewer");
  const sessions = page.getByRole("table", { name: "Sessions" });
  await expect(sessions.getByRole("row")).toHaveCount(3); // the header and two sessions
  await expect(sessions.getByText("This session")).toHaveCount(1);

  const form = page.getByRole("form", { name: "Change password" });
  await form.getByRole("textbox", { name: "Current password" }).fill("not my password at all");
  await form.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
  await form.getByRole("textbox", { name: "Confirm new password" }).fill("a different one entirely");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByText("The two new passwords differ. Type the same one twice.")).toBeVisible();

  await form.getByRole("textbox", { name: "Confirm new password" }).fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert")).toContainText("That is not your current password. Nothing was changed.");

  await form.getByRole("textbox", { name: "Current password" }).fill(PERSON.password);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("1 other session was signed out.", { exact: false })).toBeVisible();
  // The other browser's open page learns it over its socket and goes to sign-in, within 2 s.
  await expect(other).toHaveURL(/\/sign-in$/, { timeout: 2_000 });
  await expect(sessions.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();

  // Signing in elsewhere takes the new password; that session is then ended from this page.
  const third = await signedInPage(browser, NEW_PASSWORD);
  await page.reload();
  await expect(sessions.getByRole("row")).toHaveCount(3);
  const row = sessions.getByRole("row").filter({ hasNotText: "This session" }).last();
  await row.getByRole("button", { name: /^End the session on / }).click();
  await page.getByRole("dialog").getByRole("button", { name: "End session" }).click();
  await expect(page.getByText("Session ended")).toBeVisible();
  await expect(third).toHaveURL(/\/sign-in$/, { timeout: 2_000 });
  await expect(sessions.getByRole("row")).toHaveCount(2);

  for (const p of [page, other, third]) await p.context().close();
});
