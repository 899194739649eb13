// Invites and password reset links in a real browser (issue 16): an admin invites from the
// Settings page and copies the link shown once; the invitee opens it in another browser, sets a
// name and password and lands in the portal signed in; a used link shows its sentence; a reset
// link from the member's row sets a new password. The invite and reset pages pass axe's WCAG AA.
import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { baseUrl, signIn } from "./helpers.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };
const INVITEE = { name: "Ivy Invited", email: "ivy.invited@example.com", password: "ivy first password" };

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

async function wcagViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`);
}

/** Opens the member's row action or the Invite dialog and returns the link it shows once. */
async function shownLink(page: Page): Promise<string> {
  const field = page.getByTestId("shown-once-link");
  await expect(field).toHaveValue(/^http/);
  return field.inputValue();
}

test("an admin invites someone, who joins with their own password; the link then refuses", async ({ browser }) => {
  const admin = await freshPage(browser);
  await signIn(admin, ADMIN.email, ADMIN.password);
  await admin.goto(`${baseUrl()}/settings`);
  await admin.getByRole("button", { name: "Invite", exact: true }).click();
  const dialog = admin.getByRole("dialog", { name: "Invite someone" });
  await dialog.getByLabel("Email").fill(INVITEE.email);
  await dialog.getByRole("combobox", { name: "Role" }).click();
  await admin.getByRole("option", { name: "operator" }).click();
  await dialog.getByRole("button", { name: "Create invite link" }).click();
  const link = await shownLink(admin);
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(admin.getByRole("dialog")).toContainText("It is not shown again.");
  await admin.screenshot({ path: "test-results/e2e/screens/invites-link-shown.png" });
  await admin.getByRole("button", { name: "Done" }).click();
  const pending = admin.getByRole("table", { name: "Pending invites" });
  await expect(pending.getByTestId(`invite-${INVITEE.email}`)).toContainText("operator");

  const invitee = await freshPage(browser);
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { name: /^Join / })).toBeVisible();
  await expect(invitee.getByText("You are invited as operator")).toBeVisible();
  expect(await wcagViolations(invitee)).toEqual([]);
  await invitee.getByLabel("Your name").fill(INVITEE.name);
  await invitee.getByRole("textbox", { name: "Password", exact: true }).fill(INVITEE.password);
  await invitee.getByRole("textbox", { name: "Confirm password" }).fill("something else entirely");
  await invitee.getByRole("button", { name: "Join and sign in" }).click();
  await expect(invitee.getByText("The two passwords differ.")).toBeVisible();
  await invitee.screenshot({ path: "test-results/e2e/screens/invites-accept-form.png" });
  await invitee.getByRole("textbox", { name: "Confirm password" }).fill(INVITEE.password);
  await invitee.getByRole("button", { name: "Join and sign in" }).click();
  await expect(invitee).toHaveURL(/\/apps$/);
  await expect(invitee.getByRole("heading", { name: "Apps", level: 1 })).toBeVisible();

  const again = await freshPage(browser);
  await again.goto(link);
  // Next's route announcer is an (empty) alert too: the one with the sentence.
  await expect(again.getByRole("alert").filter({ hasText: "invite link" })).toHaveText(
    "This invite link was already used. Sign in instead, or ask an admin of your team for a new one.",
  );
  expect(await wcagViolations(again)).toEqual([]);

  await admin.reload();
  await expect(admin.getByRole("combobox", { name: `Role of ${INVITEE.email}` })).toHaveValue("operator");
  await expect(admin.getByTestId(`invite-${INVITEE.email}`)).toHaveCount(0);
});

test("a reset link from the member's row sets a new password", async ({ browser }) => {
  const admin = await freshPage(browser);
  await signIn(admin, ADMIN.email, ADMIN.password);
  await admin.goto(`${baseUrl()}/settings`);
  await admin.getByRole("button", { name: `Reset link for ${INVITEE.email}` }).click();
  await admin.getByRole("button", { name: "Create reset link" }).click();
  const link = await shownLink(admin);
  expect(link).toMatch(/\/reset\/[A-Za-z0-9_-]{43}$/);

  const person = await freshPage(browser);
  await person.goto(link);
  await expect(person.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  expect(await wcagViolations(person)).toEqual([]);
  await person.getByRole("textbox", { name: "New password", exact: true }).fill("ivy second password");
  await person.getByRole("textbox", { name: "Confirm new password" }).fill("ivy second password");
  await person.getByRole("button", { name: "Set new password" }).click();
  await expect(person.getByRole("status")).toContainText("Sign in with your new password.");
  await person.screenshot({ path: "test-results/e2e/screens/invites-reset-done.png" });
  await person.getByRole("link", { name: "Sign in" }).click();
  await signIn(person, INVITEE.email, "ivy second password");
});
