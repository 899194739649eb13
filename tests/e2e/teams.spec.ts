// Several teams in a real browser (issue 16): an admin creates "Blue team" from the header's switcher
// and lands in it, empty; invites a person who already has an account in the first team; that person
// opens the link signed out, signs in through ?next, joins, and switches between the two teams; the
// admin then removes them from Blue team and their switcher no longer offers it. The switcher menu
// and the join page are photographed in both themes and pass axe's WCAG 2.1 AA.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { enrolHostWithNginx, type TestHost } from "../support/deployments.ts";
import { ensureTestAppImage, testAppImage } from "../support/docker.ts";
import { baseUrl, signIn } from "./helpers.ts";
import { shootAndCheck } from "./screens.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };
const PERSON = { name: "Tara Two-Teams", email: "tara.two-teams@example.com", password: "tara first password" };
const BLUE = "Blue team";
/** An app of the first team, which Blue team must not show. */
const APP = "teams-first-shop";

let host: TestHost | undefined;
let firstTeam = "";

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** Where this run's pictures go: under --output, so they sit with the run's other results. */
function shotsDir(): string {
  const dir = join(test.info().project.outputDir, "screens", "teams");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Opens the header's switcher and returns its menu. */
async function openSwitcher(page: Page) {
  await page.getByTestId("team-switcher").click();
  const menu = page.getByRole("menu");
  await expect(menu).toBeVisible();
  return menu;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await ensureTestAppImage("v1");
  const admin = new ApiClient(baseUrl());
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  const created = await admin.mutate("users.create", { ...PERSON, role: "operator" });
  expect(created.status, JSON.stringify(created.error)).toBe(200);
  const me = await admin.query<{ user: { team: { name: string } } | null }>("auth.status");
  firstTeam = me.data?.user?.team.name ?? "";
  expect(firstTeam).not.toBe("");
  // An app of the first team needs one of its hosts; it is not deployed, only listed.
  host = await enrolHostWithNginx(admin, baseUrl(), `teams-host-${Date.now()}`);
  const app = await admin.mutate("apps.create", {
    name: APP,
    image: testAppImage("v1"),
    pullPolicy: "never",
    port: 8080,
    hosts: [host.id],
  });
  expect(app.status, JSON.stringify(app.error)).toBe(200);
});

test.afterAll(async () => {
  await host?.tearDown();
});

test("a person with an account joins a second team, switches between the two, and is removed from one", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const found: string[] = [];

  // The admin creates Blue team from the switcher and lands in it: none of the first team's apps.
  const admin = await freshPage(browser);
  await signIn(admin, ADMIN.email, ADMIN.password);
  await expect(admin.getByRole("link", { name: APP })).toBeVisible();
  await expect(admin.getByTestId("team-switcher")).toHaveText(firstTeam);
  await openSwitcher(admin);
  found.push(
    ...(await shootAndCheck(admin, "switcher-admin-one-team", { dir: shotsDir(), fullPage: false, labelInName: true })),
  );
  await admin.getByRole("menuitem", { name: "Create a team" }).click();
  const dialog = admin.getByRole("dialog", { name: "Create a team" });
  await dialog.getByRole("button", { name: "Create and switch" }).click();
  await expect(dialog.getByText("Give the team a name.")).toBeVisible();
  await dialog.getByRole("textbox", { name: "Team name" }).fill(firstTeam.toUpperCase());
  await dialog.getByRole("button", { name: "Create and switch" }).click();
  await expect(dialog.getByRole("alert")).toContainText("already exists");
  await dialog.getByRole("textbox", { name: "Team name" }).fill(BLUE);
  await dialog.getByRole("button", { name: "Create and switch" }).click();
  await expect(admin).toHaveURL(/\/apps$/);
  await expect(admin.getByTestId("team-switcher")).toHaveText(BLUE);
  await expect(admin.getByText("No apps yet")).toBeVisible();
  await expect(admin.getByRole("link", { name: APP })).toHaveCount(0);

  // It invites the person, who already has an account in the first team, and copies the link.
  await admin.goto(`${baseUrl()}/settings`);
  await admin.getByRole("button", { name: "Invite", exact: true }).click();
  const invite = admin.getByRole("dialog", { name: "Invite someone" });
  await invite.getByLabel("Email").fill(PERSON.email);
  await invite.getByRole("combobox", { name: "Role" }).click();
  await admin.getByRole("option", { name: "viewer" }).click();
  await invite.getByRole("button", { name: "Create invite link" }).click();
  const field = admin.getByTestId("shown-once-link");
  await expect(field).toHaveValue(/\/invite\/[A-Za-z0-9_-]{43}$/);
  const link = await field.inputValue();
  await admin.getByRole("button", { name: "Done" }).click();

  // Signed out, the link offers signing in as that email; sign-in comes back to the invite.
  const person = await freshPage(browser);
  await person.goto(link);
  await expect(person.getByRole("heading", { name: `Join ${BLUE}` })).toBeVisible();
  await expect(person.getByText("You are invited as viewer")).toBeVisible();
  const signInLink = person.getByRole("link", { name: `Sign in as ${PERSON.email} to join` });
  await expect(signInLink).toBeVisible();
  found.push(
    ...(await shootAndCheck(person, "join-signed-out", { dir: shotsDir(), fullPage: false, labelInName: true })),
  );
  await signInLink.click();
  await expect(person).toHaveURL(/\/sign-in\?next=/);
  await person.getByLabel("Email").fill(PERSON.email);
  await person.getByRole("textbox", { name: "Password" }).fill(PERSON.password);
  await person.getByRole("button", { name: "Sign in" }).click();
  await expect(person).toHaveURL(link);
  const join = person.getByRole("button", { name: `Join ${BLUE}` });
  await expect(join).toBeVisible();
  found.push(
    ...(await shootAndCheck(person, "join-signed-in", { dir: shotsDir(), fullPage: false, labelInName: true })),
  );
  await join.click();

  // They land in Blue team; the switcher lists both teams with their role in each.
  await expect(person).toHaveURL(/\/apps$/);
  await expect(person.getByTestId("team-switcher")).toHaveText(BLUE);
  await expect(person.getByText("No apps yet")).toBeVisible();
  const menu = await openSwitcher(person);
  await expect(menu.getByRole("menuitem")).toHaveText([`${firstTeam}operator`, `${BLUE}viewer`]);
  await expect(menu.getByRole("menuitem", { name: BLUE })).toHaveAttribute("aria-current", "true");
  found.push(
    ...(await shootAndCheck(person, "switcher-two-teams", { dir: shotsDir(), fullPage: false, labelInName: true })),
  );

  // Switching back shows the first team's apps again.
  await menu.getByRole("menuitem", { name: firstTeam }).click();
  await expect(person.getByTestId("team-switcher")).toHaveText(firstTeam);
  await expect(person.getByRole("link", { name: APP })).toBeVisible();

  // The admin removes them from Blue team on Settings → Members.
  await admin.reload();
  const row = admin.getByTestId(`member-${PERSON.email}`);
  await row.getByRole("button", { name: `Remove ${PERSON.email}` }).click();
  const confirm = admin.getByRole("dialog", { name: `Remove ${PERSON.name} from ${BLUE}?` });
  await confirm.getByRole("button", { name: "Remove" }).click();
  await expect(admin.getByText("Removed from the team")).toBeVisible();
  await expect(row).toHaveCount(0);

  // Their switcher no longer offers Blue team: with one team left and nothing to create, it is gone,
  // and the user menu names the team they work in.
  await person.reload();
  await expect(person.getByRole("link", { name: APP })).toBeVisible();
  await expect(person.getByTestId("team-switcher")).toHaveCount(0);
  await expect(person.getByTestId("user-menu")).toContainText(firstTeam);
  // The old link does not let them back in: it was used.
  await person.goto(link);
  await expect(person.getByRole("alert").filter({ hasText: "invite link" })).toBeVisible();

  expect(found, found.join("\n")).toEqual([]);
  for (const p of [admin, person]) await p.context().close();
});
