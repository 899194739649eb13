// What every end-to-end spec needs: the portal's address (started by global-setup.ts) and sign-in.
import { expect, type Page } from "@playwright/test";

export function baseUrl(): string {
  const url = process.env.WHEELHOUSE_E2E_URL;
  if (!url) throw new Error("WHEELHOUSE_E2E_URL is not set (tests/e2e/global-setup.ts starts the portal).");
  return url;
}

export function databaseUrl(): string {
  const url = process.env.WHEELHOUSE_E2E_DATABASE_URL;
  if (!url) throw new Error("WHEELHOUSE_E2E_DATABASE_URL is not set (tests/e2e/global-setup.ts starts the portal).");
  return url;
}

/** Signs in through the form, as a person would, and waits for the landing page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl()}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("textbox", { name: "Password" }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/apps$/);
}
