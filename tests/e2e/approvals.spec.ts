// Approvals in Chromium with separate browser contexts, on the real Docker engine and nginx: an
// operator asks for a production rollback from the app page, has no Approve button, and a direct
// call is refused (403) and audited; an approver approves in another context; the rollback runs
// and nginx serves the old release again; the Audit page and a webhook receiver on loopback show
// each step. Then an admin breaks the glass (a reason is required; the request is flagged), an
// expired request cannot execute, and an admin edits the policies. Every page built for approvals
// is photographed in both themes into test-results/e2e/screens/approvals/ and checked with axe.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { sql } from "../support/database.ts";
import { testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  APP,
  type ApprovalsWorld,
  DOMAIN,
  PEOPLE,
  setUpWorld,
  shootAndCheck,
  tearDownWorld,
  waitForDeployment,
} from "./approvals-world.ts";
import { baseUrl, databaseUrl, signIn } from "./helpers.ts";

test.describe.configure({ mode: "serial" });

let world: ApprovalsWorld | undefined;
/** axe's findings on every page photographed; checked once at the end, so each test still runs. */
const a11y: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(300_000);
  world = await setUpWorld();
});

test.afterAll(async () => {
  await tearDownWorld(world);
});

function need(): ApprovalsWorld {
  if (!world) throw new Error("setUpWorld did not finish");
  return world;
}

async function signedInPage(browser: Browser, person: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, person.email, person.password);
  return page;
}

/** What nginx on the host answers for the app's domain, once it answers `page`. */
async function nginxServes(page: string): Promise<void> {
  const { host } = need();
  await waitFor(async () => (await requestWithHost(host.nginxPort, DOMAIN)).body, {
    what: `nginx serving ${JSON.stringify(page.trim())} for ${DOMAIN}`,
    timeoutMs: 90_000,
    until: (body) => body === page,
  });
}

/** POSTs from inside the page, with its session cookie, as a hand-made request would. */
async function postFromPage(page: Page, path: string, body: unknown): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ path, body }) => {
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    },
    { path, body },
  );
}

async function openReleaseDialog(page: Page, release: number) {
  await page.goto(`${baseUrl()}/apps/${APP}#releases`);
  await page.getByTestId(`release-${release}`).getByRole("button", { name: "Roll back to this" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(`Type ${APP} to confirm`).fill(APP);
  return dialog;
}

test("an operator's production rollback waits for an approver, then runs and nginx serves the old release", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const { receiver, operator } = need();
  const operatorPage = await signedInPage(browser, PEOPLE.operator);

  // The dialog says it waits, names the button for it, and wants a reason as well as the app's name.
  const dialog = await openReleaseDialog(operatorPage, 1);
  const ask = dialog.getByRole("button", { name: "Request rollback" });
  await expect(dialog.getByTestId("approval-required")).toBeVisible();
  await expect(dialog.getByRole("checkbox", { name: /Break glass/ })).toHaveCount(0);
  await expect(ask).toBeDisabled();
  await dialog.getByRole("textbox", { name: /^Reason/ }).fill("Release 2 double-charges at checkout");
  await expect(ask).toBeEnabled();
  a11y.push(...(await shootAndCheck(operatorPage, "rollback-dialog")));
  await ask.click();
  const toast = operatorPage
    .locator(".mantine-Notification-root")
    .filter({ hasText: /Request #\d+ waits for approval/ });
  await expect(toast).toBeVisible();
  const number = Number(/Request #(\d+)/.exec((await toast.textContent()) ?? "")?.[1]);
  expect(number).toBeGreaterThan(0);
  const requestId = (await operator.query<{ request: { id: string } }>("approvals.get", { id: String(number) })).data
    ?.request.id;
  expect(requestId).toBeTruthy();

  // The app page shows it waiting; the toast's link leads to it.
  await expect(operatorPage.getByTestId("pending-approval-banner")).toContainText(`#${number}`);
  await toast.getByRole("link", { name: `Open request #${number}` }).click();
  await expect(operatorPage).toHaveURL(new RegExp(`/approvals/${number}$`));
  await expect(operatorPage.getByTestId("approval-status")).toHaveText("Waiting");
  await expect(operatorPage.getByTestId("approval-digest")).toContainText("sha256:");

  await operatorPage.goto(`${baseUrl()}/apps/${APP}`);
  await expect(operatorPage.getByTestId("pending-approval-banner")).toContainText(`#${number}`);
  a11y.push(...(await shootAndCheck(operatorPage, "app-page-pending")));
  await operatorPage.goBack();
  await expect(operatorPage).toHaveURL(new RegExp(`/approvals/${number}$`));

  // The person who asked has no Approve button, only the reason why and a way to cancel…
  await expect(operatorPage.getByTestId("cannot-review")).toBeVisible();
  await expect(operatorPage.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  await expect(operatorPage.getByRole("button", { name: "Cancel request" })).toBeVisible();
  a11y.push(...(await shootAndCheck(operatorPage, "request-pending-own")));
  // …and a hand-made call, over tRPC and over REST, is refused, and the refusal is in the audit log.
  const overTrpc = await postFromPage(operatorPage, "/api/trpc/approvals.approve", { id: String(number) });
  const overRest = await postFromPage(operatorPage, `/api/v1/approvals/${number}/approve`, {});
  expect([overTrpc.status, overRest.status]).toEqual([403, 403]);
  await operatorPage.goto(`${baseUrl()}/audit`);
  const auditRows = operatorPage.getByTestId("audit-row");
  // Typed before the page is live, the filter would be lost: wait for the first rows.
  await expect(auditRows.first()).toBeVisible();
  // A refusal names the permission that was missing (approvals.review), as on every transport.
  await operatorPage.getByRole("textbox", { name: "Action" }).fill("approvals.review");
  // The list changes 300 ms after typing: wait until no other action is listed.
  await expect(auditRows.locator("code").filter({ hasNotText: /^approvals\.review$/ })).toHaveCount(0);
  const refusals = auditRows.filter({ hasText: PEOPLE.operator.email }).filter({ hasText: "denied" });
  await expect(refusals).toHaveCount(2);

  // The approver sees it waiting for them (the navigation counts it), and approves.
  const approverPage = await signedInPage(browser, PEOPLE.approver);
  await expect(approverPage.getByRole("navigation", { name: "Main" }).getByLabel("1 waiting for you")).toBeVisible();
  await approverPage.getByRole("link", { name: /^Approvals/ }).click();
  const row = approverPage.getByTestId(`approval-${number}`);
  await expect(row).toContainText(PEOPLE.operator.email);
  await expect(row).toContainText("0 / 1");
  a11y.push(...(await shootAndCheck(approverPage, "approvals-waiting")));
  await row.getByRole("link").first().click();
  await expect(approverPage).toHaveURL(new RegExp(`/approvals/${number}$`));
  a11y.push(...(await shootAndCheck(approverPage, "request-to-review")));
  await approverPage.getByRole("textbox", { name: /^Comment/ }).fill("Release 1 is what ran before: go.");
  await approverPage.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(approverPage.getByTestId("approval-status")).toHaveText("Executed", { timeout: 90_000 });
  await expect(approverPage.getByRole("link", { name: "Follow its deployment" })).toBeVisible();
  await expect(approverPage.getByTestId("approval-review")).toContainText("Release 1 is what ran before: go.");
  a11y.push(...(await shootAndCheck(approverPage, "request-executed")));

  // The rollback ran on the real engine: nginx serves release 1's page again.
  await nginxServes(testAppPage("v1"));

  // The Audit page shows each step.
  await approverPage.goto(`${baseUrl()}/audit`);
  const rows = approverPage.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  await approverPage.getByRole("textbox", { name: "Action" }).fill("approvals.*");
  await expect(rows.locator("code").filter({ hasNotText: /^approvals\./ })).toHaveCount(0);
  for (const action of ["approvals.request", "approvals.approve", "approvals.execute"])
    await expect(rows.filter({ hasText: action }).filter({ hasText: "success" }).first()).toBeVisible();

  // So does the webhook receiver: asked, then decided (approved, executed), every signature valid.
  const about = (event: string) =>
    receiver.ofEvent(event).filter((delivery) => delivery.body.includes(requestId ?? "?"));
  await waitFor(() => about("approval.requested").length === 1 && about("approval.decided").length >= 1, {
    what: "the approval's webhooks",
    timeoutMs: 30_000,
  });
  const decided = about("approval.decided").map((delivery) => delivery.body);
  await waitFor(() => about("approval.decided").some((delivery) => /executed/i.test(delivery.body)), {
    what: `an approval.decided delivery saying it executed (so far: ${decided.join(" | ")})`,
    timeoutMs: 30_000,
  });
  expect([...receiver.unique().values()].every((delivery) => delivery.verified === true)).toBe(true);
});

test("an admin's break-glass rollback needs a reason, runs at once and is flagged", async ({ browser }) => {
  test.setTimeout(240_000);
  const { receiver, admin } = need();
  const adminPage = await signedInPage(browser, PEOPLE.admin);

  // Without a reason the server refuses it, whatever a page shows.
  const bare = await postFromPage(adminPage, "/api/trpc/apps.rollback", {
    name: APP,
    releaseNumber: 2,
    breakGlass: true,
  });
  expect(bare.status).toBe(400);

  const dialog = await openReleaseDialog(adminPage, 2);
  await expect(dialog.getByRole("button", { name: "Request rollback" })).toBeVisible();
  await dialog.getByRole("checkbox", { name: /Break glass/ }).check();
  const go = dialog.getByRole("button", { name: "Break glass and roll back" });
  await expect(go).toBeDisabled();
  await dialog.getByRole("textbox", { name: /^Reason/ }).fill("Checkout is down and no approver answers");
  await expect(go).toBeEnabled();
  a11y.push(...(await shootAndCheck(adminPage, "break-glass-dialog")));
  await go.click();
  await expect(adminPage).toHaveURL(/\/deployments\//);
  const deploymentId = /\/deployments\/([^/?#]+)/.exec(adminPage.url())?.[1] ?? "";
  await waitForDeployment(admin, deploymentId, "Live");
  await nginxServes(testAppPage("v2"));

  // The request it left is flagged on the list and on its page.
  await adminPage.goto(`${baseUrl()}/approvals`);
  await adminPage.getByRole("radiogroup", { name: "Which requests" }).getByText("All", { exact: true }).click();
  await expect(adminPage.getByRole("radio", { name: "All" })).toBeChecked();
  const flagged = adminPage
    .locator('tr[data-testid^="approval-"]')
    .filter({ has: adminPage.getByTestId("break-glass") });
  await expect(flagged).toHaveCount(1);
  a11y.push(...(await shootAndCheck(adminPage, "approvals-all")));
  await flagged.getByRole("link").first().click();
  await expect(adminPage.getByTestId("break-glass")).toBeVisible();
  await expect(adminPage.getByText("Checkout is down and no approver answers")).toBeVisible();
  a11y.push(...(await shootAndCheck(adminPage, "request-break-glass")));
  await waitFor(() => receiver.ofEvent("approval.break-glass").length >= 1, {
    what: "the break-glass webhook",
    timeoutMs: 30_000,
  });

  // The app's open incident shows the requests and decisions on its timeline.
  await adminPage.goto(`${baseUrl()}/incidents`);
  await adminPage.getByRole("link", { name: "Checkout double-charges" }).click();
  const approvals = adminPage.getByTestId("timeline-approval");
  await expect(approvals.first()).toBeVisible();
  await expect(approvals.filter({ hasText: "approved by" }).first()).toBeVisible();
  await expect(approvals.filter({ has: adminPage.getByTestId("break-glass") }).first()).toBeVisible();
  a11y.push(...(await shootAndCheck(adminPage, "incident-timeline")));
});

test("an expired request cannot execute", async ({ browser }) => {
  test.setTimeout(120_000);
  const { operator } = need();
  const asked = await operator.mutate<{ approval?: { requestId: string; number: number } }>("apps.rollback", {
    name: APP,
    releaseNumber: 1,
    reason: "Try release 1 once more",
  });
  const approval = asked.data?.approval;
  if (!approval) throw new Error(`no request: ${JSON.stringify(asked.error ?? asked.data)}`);
  // The shortest expiry a policy allows is 5 minutes, so the request is aged through the database
  // (the one thing here a person could not do through the portal).
  const url = databaseUrl();
  const past = Date.now() - 60_000;
  await sql(url, `UPDATE "ApprovalRequest" SET "expiresAt" = $1 WHERE id = $2`, [
    url.startsWith("file:") ? past : new Date(past),
    approval.requestId,
  ]);

  const approverPage = await signedInPage(browser, PEOPLE.approver);
  const refused = await postFromPage(approverPage, "/api/trpc/approvals.approve", { id: approval.requestId });
  expect(refused.status).toBeGreaterThanOrEqual(400);
  // "expired at …" from the review engine, or "already left to expire" once the 30 s sweep got there first.
  expect(refused.text).toMatch(/expire/i);
  await approverPage.goto(`${baseUrl()}/approvals/${approval.number}`);
  // No Approve button once past its expiry; the sweep (every 30 s) then marks it expired, and the
  // approvals:changed hint redraws the page.
  await expect(approverPage.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  await expect(approverPage.getByTestId("approval-status")).toHaveText("Expired", { timeout: 45_000 });
  const after = await operator.query<{ request: { status: string; deploymentId: string | null } }>("approvals.get", {
    id: approval.requestId,
  });
  expect(after.data?.request).toMatchObject({ status: "expired", deploymentId: null });
  await nginxServes(testAppPage("v2"));
  a11y.push(...(await shootAndCheck(approverPage, "request-expired")));
});

test("an admin edits the approval policies, with the schema's messages, and the change is audited", async ({
  browser,
}) => {
  const { admin } = need();
  const adminPage = await signedInPage(browser, PEOPLE.admin);
  await adminPage.goto(`${baseUrl()}/settings`);
  await adminPage.getByRole("link", { name: "Open Approval policies" }).click();
  await expect(adminPage.getByTestId("policies-defaults")).toBeVisible();
  a11y.push(...(await shootAndCheck(adminPage, "policies-defaults")));

  // Five minutes is the shortest wait: one minute is refused under its field, and not savable.
  const save = adminPage.getByRole("button", { name: "Save policies" });
  await adminPage.getByRole("textbox", { name: "Policy 1: request expires after", exact: true }).fill("1");
  await adminPage.getByRole("combobox", { name: "Policy 1: request expires after unit" }).click();
  await adminPage.getByRole("option", { name: "minutes" }).click();
  await expect(adminPage.getByText("A request waits at least 5 minutes.")).toBeVisible();
  await expect(save).toBeDisabled();
  a11y.push(...(await shootAndCheck(adminPage, "policies-invalid")));
  await adminPage.getByRole("textbox", { name: "Policy 1: request expires after", exact: true }).fill("90");
  // A policy added and removed again leaves nothing behind (later specs share this team).
  await adminPage.getByRole("button", { name: "Add policy" }).click();
  await expect(adminPage.getByTestId("policy-2")).toBeVisible();
  await adminPage.getByRole("button", { name: "Remove policy 2" }).click();
  await expect(adminPage.getByTestId("policy-2")).toHaveCount(0);
  await save.click();
  await expect(adminPage.locator(".mantine-Notification-root").filter({ hasText: "Policies saved" })).toBeVisible();
  await expect(adminPage.getByTestId("policies-defaults")).toHaveCount(0);

  const stored = await admin.query<{ policies: { requestExpirySeconds: number }[]; defaults: boolean }>(
    "approvals.policies",
  );
  expect(stored.data?.defaults).toBe(false);
  expect(stored.data?.policies.map((p) => p.requestExpirySeconds)).toEqual([90 * 60]);
  const audited = await admin.query<{ events: { action: string; details: unknown }[] }>("audit.list", {
    action: "approvals.policies.update",
  });
  expect(audited.data?.events.length).toBe(1);
  a11y.push(...(await shootAndCheck(adminPage, "policies-saved")));
});

test("every approvals page photographed passes WCAG 2.1 AA in both themes", () => {
  expect(a11y).toEqual([]);
});
