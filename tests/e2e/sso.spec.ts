// Single sign-on in a real browser (issue 16 item 4): an admin sets the provider up on Settings →
// Single sign-on (a real oidc-provider on loopback, tests/support/oidc-provider.ts); a person then
// clicks "Sign in with Test IdP" in another browser, signs in and consents at the provider, and
// lands in the portal with the role of their group; a refused sign-in shows its sentence. The
// settings are reset at the end, so the shared portal's other specs see no SSO button.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { startOidcProvider, type TestProvider } from "../support/oidc-provider.ts";
import { baseUrl, signIn } from "./helpers.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };

let provider: TestProvider;

test.beforeAll(async () => {
  provider = await startOidcProvider({ redirectUri: `${baseUrl()}/auth/oidc/callback` });
  provider.accounts.set("sso-e2e", { email: "sam.sso@example.com", name: "Sam Single", groups: ["wh-ops"] });
});
test.afterAll(async () => {
  await provider?.stop();
});

async function wcagViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`);
}

test("an admin sets up single sign-on; a person signs in with it and gets the role of their group", async ({
  browser,
}) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
  await admin.goto(`${baseUrl()}/settings`);
  await admin.getByRole("link", { name: "Open Single sign-on" }).click();
  await expect(admin.getByRole("heading", { name: "Single sign-on", level: 1 })).toBeVisible();
  await expect(admin.getByTestId("sso-settings")).toContainText("Off");
  await expect(admin.getByTestId("sso-settings")).toContainText(`${baseUrl()}/auth/oidc/callback`);

  const form = admin.getByRole("form", { name: "Single sign-on settings" });
  await form.getByLabel("Provider name").fill("Test IdP");
  await form.getByLabel("Issuer URL").fill(provider.issuer);
  await form.getByLabel("Client id").fill(provider.clientId);
  await form.getByLabel("Client secret").fill(provider.clientSecret);
  await form.getByRole("button", { name: "Add a group" }).click();
  await form.getByRole("textbox", { name: "Group 1" }).fill("wh-ops");
  await form.getByRole("combobox", { name: "Role of group 1" }).click();
  await admin.getByRole("option", { name: "operator" }).click();
  await form.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(admin.getByText("Single sign-on saved")).toBeVisible();
  await expect(admin.getByTestId("sso-settings")).toContainText("On: Sign in with Test IdP");
  await expect(admin.getByTestId("sso-settings")).toContainText("Set (never shown)");
  await expect(admin.getByLabel("Client secret")).toHaveValue("");
  expect(await admin.content()).not.toContain(provider.clientSecret);
  expect(await wcagViolations(admin)).toEqual([]);
  await admin.screenshot({ path: test.info().outputPath("sso-settings.png"), fullPage: true });

  const person = await (await browser.newContext()).newPage();
  await person.goto(`${baseUrl()}/sign-in`);
  await expect(person.getByRole("link", { name: "Sign in with Test IdP" })).toBeVisible();
  await person.screenshot({ path: test.info().outputPath("sign-in-with-sso.png"), fullPage: true });
  expect(await wcagViolations(person)).toEqual([]);
  await person.getByRole("link", { name: "Sign in with Test IdP" }).click();
  // The provider's own development pages: login, then consent.
  await person.locator('input[name="login"]').fill("sso-e2e");
  await person.locator('input[name="password"]').fill("anything");
  await person.getByRole("button", { name: "Sign-in" }).click();
  await person.getByRole("button", { name: "Continue" }).click();
  await expect(person).toHaveURL(new RegExp(`^${baseUrl()}/`));
  await person.goto(`${baseUrl()}/settings`);
  await expect(person.getByRole("button", { name: /Sam Single .*account menu/ })).toBeVisible();
  await expect(person.getByText("Your role in Platform").locator("..")).toContainText("operator");

  // A refused sign-in comes back with a code; the page says why in a sentence.
  const refused = await (await browser.newContext()).newPage();
  await refused.goto(`${baseUrl()}/sign-in?sso_error=domain`);
  await expect(refused.getByRole("alert", { name: "Single sign-on did not sign you in" })).toContainText(
    "Your email address's domain may not sign in to this portal.",
  );
  await refused.screenshot({ path: test.info().outputPath("sign-in-refused.png"), fullPage: true });

  // Back to no single sign-on, for the other specs on this portal.
  await admin.getByRole("button", { name: "Use the environment's settings" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Use the environment's settings" }).click();
  await expect(admin.getByTestId("sso-settings")).toContainText("Off");
});
