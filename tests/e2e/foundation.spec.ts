// A new team's first minutes: first-run setup, sign-in, adding a viewer, and what the viewer may do.
import { expect, type Page, test } from "@playwright/test";
import { baseUrl, signIn } from "./helpers.ts";

const admin = { name: "Ada Admin", email: "ada@example.com", password: "correct horse battery", team: "Platform" };
const viewer = { name: "Vic Viewer", email: "vic@example.com", password: "viewer password 1" };

async function signOut(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

test.describe.configure({ mode: "serial" });

test("a new team sets up Wheelhouse, adds a viewer, and the viewer cannot administer", async ({ page, browser }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  // 1. A fresh portal sends its first visitor to setup.
  await page.goto(baseUrl());
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Wheelhouse" })).toBeVisible();

  // Bad input is refused with the field's message.
  await page.getByLabel("Team name").fill(admin.team);
  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByRole("textbox", { name: "Password" }).fill("short");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByText("Use at least 12 characters for the password.")).toBeVisible();

  await page.getByRole("textbox", { name: "Password" }).fill(admin.password);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page).toHaveURL(/\/apps$/);
  await expect(page.getByRole("heading", { name: "No apps yet" })).toBeVisible();
  for (const item of ["Apps", "Hosts", "Incidents", "Runbooks", "Approvals", "Audit", "Settings"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: item })).toBeVisible();
  }
  await page.screenshot({ path: "test-results/e2e/screens/apps-empty.png", fullPage: true });

  // 2. Sign out and in again.
  await signOut(page);
  await signIn(page, admin.email, admin.password);

  // 3. The admin adds a viewer.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a user" });
  await dialog.getByLabel("Name").fill(viewer.name);
  await dialog.getByLabel("Email").fill(viewer.email);
  await dialog.getByRole("textbox", { name: "Initial password" }).fill(viewer.password);
  await dialog.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`${viewer.email} can now sign in as viewer.`)).toBeVisible();
  await expect(page.getByTestId(`member-${viewer.email}`)).toBeVisible();
  await expect(page.getByRole("combobox", { name: `Role of ${viewer.email}` })).toHaveValue("viewer");
  await page.screenshot({ path: "test-results/e2e/screens/settings-admin.png", fullPage: true });
  await signOut(page);

  // 4. The viewer signs in and sees no admin actions.
  await signIn(page, viewer.email, viewer.password);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(page.getByTestId(`member-${admin.email}`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Add user" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Disable" })).toHaveCount(0);
  await expect(page.getByRole("combobox", { name: `Role of ${admin.email}` })).toHaveCount(0);
  await page.screenshot({ path: "test-results/e2e/screens/settings-viewer.png", fullPage: true });

  // 5. A hand-made call to an admin procedure with the viewer's cookie is refused…
  const response = await page.request.post(`${baseUrl()}/api/trpc/users.create`, {
    data: { email: "sneaky@example.com", name: "Sneaky", password: "sneaky password", role: "admin" },
  });
  expect(response.status()).toBe(403);
  expect((await response.json()).error.message).toBe("Your role (viewer) cannot do this; it needs admin.");

  // …and audited: the admin finds it on the Audit page.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, admin.email, admin.password);
  await adminPage.getByRole("link", { name: "Audit" }).click();
  await adminPage.getByRole("textbox", { name: "Action" }).fill("users.create");
  await adminPage.getByRole("textbox", { name: "Person" }).fill(viewer.email);
  const denied = adminPage.getByTestId("audit-row").filter({ hasText: "denied" });
  await expect(denied).toHaveCount(1);
  await expect(denied).toContainText(viewer.email);
  await adminPage.getByRole("textbox", { name: "Action" }).fill("");
  await adminPage.getByRole("textbox", { name: "Person" }).fill("");
  await expect(adminPage.getByTestId("audit-row").filter({ hasText: "session.create" }).first()).toBeVisible();
  await adminPage.screenshot({ path: "test-results/e2e/screens/audit.png", fullPage: true });
  await adminContext.close();

  expect(errors).toEqual([]);
});

test("disabling a user signs them out of an open page at once", async ({ page, browser }) => {
  await signIn(page, viewer.email, viewer.password);
  await expect(page.getByRole("heading", { name: "No apps yet" })).toBeVisible();

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, admin.email, admin.password);
  await adminPage.getByRole("link", { name: "Settings" }).click();
  await adminPage.getByTestId(`member-${viewer.email}`).getByRole("button", { name: "Disable" }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await expect(adminPage.getByText("Their sessions have ended.")).toBeVisible();
  await adminContext.close();

  // The viewer's page learns it over its socket and goes to sign-in without a reload.
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText("Your session has ended. Sign in again to continue.")).toBeVisible();
});
