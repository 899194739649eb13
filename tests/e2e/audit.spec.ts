// The Audit page as an auditor uses it: filter the events, see why a filter is refused, follow a
// cell to everything like it, load older events, and download what is listed as CSV and JSON
// lines. Screenshots in both themes for a person to look at.
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { baseUrl, signIn } from "./helpers.ts";

// foundation.spec.ts (run first) set the portal up with this admin.
const admin = { email: "ada@example.com", password: "correct horse battery" };

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // Enough users.create events that the list has more than one page (50 a page).
  const client = new ApiClient(baseUrl());
  if ((await client.signIn(admin.email, admin.password)).status !== 200) throw new Error("admin sign-in failed");
  for (let i = 0; i < 55; i++) {
    await client.mutate("users.create", {
      email: `audit-e2e-${Date.now()}-${i}@example.com`,
      name: `Audit ${i}`,
      password: "audit-e2e-password",
      role: "viewer",
    });
  }
});

async function openAudit(browser: Browser, colorScheme: "light" | "dark"): Promise<Page> {
  const context = await browser.newContext({ colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, admin.email, admin.password);
  await page.getByRole("link", { name: "Audit" }).click();
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  return page;
}

test("filters, loads older events and exports what it lists", async ({ browser }) => {
  const page = await openAudit(browser, "light");
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const rows = page.getByTestId("audit-row");

  // A whole resource, then older events by cursor.
  await page.getByRole("textbox", { name: "Action" }).fill("users.*");
  // The list changes 300 ms after typing: wait until no other resource is listed.
  await expect(rows.locator("code").filter({ hasNotText: /^users\./ })).toHaveCount(0);
  await expect(rows).toHaveCount(50);
  await page.getByRole("button", { name: "Load older events" }).click();
  await expect(rows).not.toHaveCount(50);
  expect(await rows.count()).toBeGreaterThan(50);

  // A malformed action is named under its field, and not sent.
  await page.getByRole("textbox", { name: "Action" }).fill("users.");
  await expect(page.getByText("An action looks like apps.rollback, or apps.* for all of a resource.")).toBeVisible();

  // A cell filters by its value: the actor of a users.create event.
  await page.getByRole("textbox", { name: "Action" }).fill("users.create");
  await expect(rows.locator("code").filter({ hasNotText: /^users\.create$/ })).toHaveCount(0);
  await rows.first().getByRole("button", { name: admin.email }).click();
  await expect(page.getByRole("textbox", { name: "Person" })).toHaveValue(admin.email);
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /actor=ada%40example\.com/);
  await expect(rows.filter({ hasNotText: admin.email })).toHaveCount(0);
  await page.screenshot({ path: "test-results/e2e/screens/audit/audit-light.png" });
  await page.screenshot({ path: "test-results/e2e/screens/audit/audit-light-full.png", fullPage: true });

  // The export carries the filters in force: the same events, newest first.
  const listed = await rows.count();
  const csvLink = page.getByRole("link", { name: "Export CSV" });
  await expect(csvLink).toHaveAttribute("href", /format=csv/);
  await expect(csvLink).toHaveAttribute("href", /action=users\.create/);
  const [download] = await Promise.all([page.waitForEvent("download"), csvLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^wheelhouse-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync(await download.path(), "utf8")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("id,at,actorId,actorEmail,teamId,action,targetType,targetId,outcome,ip,details");
  expect(lines.length - 1).toBeGreaterThanOrEqual(listed);
  for (const line of lines.slice(1)) expect(line).toContain(",users.create,");

  const [jsonl] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export JSON lines" }).click(),
  ]);
  const events = readFileSync(await jsonl.path(), "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as { action: string; actorEmail: string });
  expect(events.every((event) => event.action === "users.create" && event.actorEmail === admin.email)).toBe(true);

  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.getByRole("textbox", { name: "Person" })).toHaveValue("");
  // The export itself was audited.
  await page.getByRole("textbox", { name: "Action" }).fill("audit.export");
  await expect(rows.locator("code").filter({ hasNotText: "audit.export" })).toHaveCount(0);
  await expect(rows).toHaveCount(2);

  // axe reads colours as drawn: not while the pointer still hovers the button it last clicked.
  await page.mouse.move(0, 0);
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`)).toEqual([]);
  expect(errors).toEqual([]);
  await page.context().close();
});

test("reads in the dark theme, with a time range", async ({ browser }) => {
  const page = await openAudit(browser, "dark");
  const now = new Date();
  const local = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await page.getByRole("textbox", { name: "From", exact: true }).fill(local(new Date(now.getTime() - 3600_000)));
  await page.getByRole("textbox", { name: "To", exact: true }).fill(local(new Date(now.getTime() - 7200_000)));
  await expect(page.getByText("Pick a time after From.")).toBeVisible();
  await page.getByRole("textbox", { name: "To", exact: true }).fill(local(new Date(now.getTime() + 3600_000)));
  await expect(page.getByText("Pick a time after From.")).toHaveCount(0);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /from=.*&to=/);
  await page.screenshot({ path: "test-results/e2e/screens/audit/audit-dark.png" });
  await page.context().close();
});
