// The Apps UI against a real agent, Docker engine and nginx: create an app, deploy it and watch the
// progress, deploy a release that crashes (Failed, with its reason), then roll back from the
// Releases tab and see the rollback go Live. nginx is the oracle for what serves. The test images
// exist only on this machine, so apps are made with pull policy "never" (the default "always"
// would ask Docker Hub, which is unreachable here).
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { ensureTestAppImage, runDocker, TEST_APP_PROBE_PORT, testAppImage, testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { baseUrl, signIn } from "./helpers.ts";

const admin = { name: "Abe Apps", email: "abe@example.com", password: "apps admin password" };
const DOMAIN = "ui-shop.test";
let host: TestHost | undefined;

test.beforeAll(async () => {
  await Promise.all((["v1", "v2", "crash"] as const).map(ensureTestAppImage));
  // foundation.spec.ts (run first, see playwright.config.ts) set the portal up: its admin adds ours.
  const client = new ApiClient(baseUrl());
  if ((await client.signIn(admin.email, admin.password)).status !== 200) {
    await client.signIn("ada@example.com", "correct horse battery");
    await client.mutate("users.create", {
      email: admin.email,
      name: admin.name,
      password: admin.password,
      role: "admin",
    });
    await client.signIn(admin.email, admin.password);
  }
  host = await enrolHostWithNginx(client, baseUrl(), `ui-host-${Date.now()}`);
});

/** Picks an option of the create form's or the settings form's "Pull policy" select. */
async function choosePullPolicy(page: Page, policy: "always" | "if-not-present" | "never"): Promise<void> {
  await page.getByRole("combobox", { name: "Pull policy" }).click();
  await page.getByRole("option", { name: new RegExp(`^${policy} — `) }).click();
  await expect(page.getByRole("combobox", { name: "Pull policy" })).toHaveValue(new RegExp(`^${policy} — `));
}

test.afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
});

test("create, deploy with visible progress, a failed deploy, then a rollback from the Releases tab", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const hostName = host?.name ?? "";
  await signIn(page, admin.email, admin.password);

  // Create.
  await page.getByRole("button", { name: "New app" }).first().click();
  // Required fields' labels end with Mantine's " *".
  await page.getByLabel(/^Name/).fill("ui-shop");
  await page
    .getByRole("dialog")
    .getByRole("textbox", { name: /^Image/ })
    .fill(testAppImage("v1"));
  await choosePullPolicy(page, "never");
  await page.getByLabel(/^Container port/).fill("8080");
  const hosts = page.getByRole("combobox", { name: "Hosts" });
  await hosts.click();
  await page.getByRole("option", { name: hostName }).click();
  await page.keyboard.press("Escape");
  const domains = page.getByRole("combobox", { name: "Domains" });
  await domains.fill(DOMAIN);
  await domains.press("Enter");
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page).toHaveURL(/\/apps\/ui-shop/);

  // Deploy v1: the deployment view opens and walks through the steps to Live.
  await page.getByRole("button", { name: "Deploy", exact: true }).click();
  await page.getByRole("button", { name: "Start deploy" }).click();
  await expect(page).toHaveURL(/\/apps\/ui-shop\/deployments\//);
  const progress = page.getByLabel("Deployment progress");
  await expect(progress).toBeVisible();
  for (const step of ["Queued", "Pulling", "Starting", "HealthChecking"]) await expect(progress).toContainText(step);
  await expect(page.getByTestId("step-Live")).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(page.getByText(/Started wh-ui-shop-r1/)).toBeVisible();
  expect((await requestWithHost(host?.nginxPort ?? 0, DOMAIN)).body).toBe(testAppPage("v1"));
  // The digest is shown by its sha256 part, the full reference kept for hover.
  const digest = page.locator("[data-digest]").first();
  await expect(digest).toHaveText(/^sha256:[0-9a-f]{12}…$/);
  expect(await digest.getAttribute("data-digest")).toMatch(/sha256:[0-9a-f]{64}$/);

  // Deploy a release that crashes: Failed with its reason, v1 keeps serving.
  await page.goto(`${baseUrl()}/apps/ui-shop`);
  await page.getByRole("button", { name: "Deploy", exact: true }).click();
  await page
    .getByRole("dialog")
    .getByRole("textbox", { name: /^Image/ })
    .fill(testAppImage("crash"));
  await page.getByRole("button", { name: "Start deploy" }).click();
  await expect(page).toHaveURL(/\/apps\/ui-shop\/deployments\//);
  const failure = page.getByRole("alert").filter({ hasText: "The deployment failed" });
  await expect(failure).toBeVisible({ timeout: 30_000 });
  await expect(failure).toContainText("exited with code 3");
  await expect(page.getByText("fatal: DATABASE_URL is not set").first()).toBeVisible();
  expect((await requestWithHost(host?.nginxPort ?? 0, DOMAIN)).body).toBe(testAppPage("v1"));

  // Deploy v2, then roll back to release 1 from the Releases tab.
  await page.goto(`${baseUrl()}/apps/ui-shop`);
  await page.getByRole("button", { name: "Deploy", exact: true }).click();
  await page
    .getByRole("dialog")
    .getByRole("textbox", { name: /^Image/ })
    .fill(testAppImage("v2"));
  await page.getByRole("button", { name: "Start deploy" }).click();
  await expect(page.getByTestId("step-Live")).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  expect((await requestWithHost(host?.nginxPort ?? 0, DOMAIN)).body).toBe(testAppPage("v2"));

  await page.goto(`${baseUrl()}/apps/ui-shop`);
  await page.getByRole("tab", { name: "Releases" }).click();
  await page.getByTestId("release-1").getByRole("button", { name: "Roll back to this" }).click();
  await page.getByRole("button", { name: "Confirm rollback" }).click();
  await expect(page).toHaveURL(/\/apps\/ui-shop\/deployments\//);
  await expect(page.getByTestId("step-Live")).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(page.getByText(/rollback/i).first()).toBeVisible();
  expect((await requestWithHost(host?.nginxPort ?? 0, DOMAIN)).body).toBe(testAppPage("v1"));
});

test("the pull policy and auto-deploy switch are chosen at creation and changed in Settings", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.getByRole("button", { name: "New app" }).first().click();
  await page.getByLabel(/^Name/).fill("ui-pull");
  await page
    .getByRole("dialog")
    .getByRole("textbox", { name: /^Image/ })
    .fill(testAppImage("v1"));
  // "always" is what a new app starts with.
  await expect(page.getByRole("combobox", { name: "Pull policy" })).toHaveValue(/^always — /);
  await choosePullPolicy(page, "never");
  const autoDeploy = page.getByRole("switch", { name: "Auto-deploy on push" });
  await expect(autoDeploy).not.toBeChecked();
  await expect(page.getByRole("link", { name: "Settings → Registries" })).toHaveAttribute(
    "href",
    "/settings/registries",
  );
  await autoDeploy.check();
  await page.getByLabel(/^Container port/).fill("8080");
  const hosts = page.getByRole("combobox", { name: "Hosts" });
  await hosts.click();
  await page.getByRole("option", { name: host?.name ?? "" }).click();
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page).toHaveURL(/\/apps\/ui-pull/);

  const configuration = page.getByRole("table", { name: "Configuration" });
  await expect(configuration.getByRole("row", { name: /^Pull policy/ })).toContainText("never");
  await expect(configuration.getByRole("row", { name: /^Auto-deploy on push/ })).toContainText("On");

  await page.getByRole("tab", { name: "Settings" }).click();
  await expect(page.getByRole("combobox", { name: "Pull policy" })).toHaveValue(/^never — /);
  await expect(autoDeploy).toBeChecked();
  await choosePullPolicy(page, "if-not-present");
  await autoDeploy.uncheck();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("ui-pull saved")).toBeVisible();

  // The open tab lives in the URL's hash: the reload comes back to Settings, read from the server.
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Pull policy" })).toHaveValue(/^if-not-present — /);
  await expect(autoDeploy).not.toBeChecked();
  await page.getByRole("tab", { name: "Overview" }).click();
  await expect(configuration.getByRole("row", { name: /^Pull policy/ })).toContainText("if-not-present");
  await expect(configuration.getByRole("row", { name: /^Auto-deploy on push/ })).toContainText("Off");
});

test("health checks are set at creation, and a failing readiness probe shows on the instance with its reason", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await ensureTestAppImage("probes");
  await signIn(page, admin.email, admin.password);
  await page.getByRole("button", { name: "New app" }).first().click();
  const dialog = page.getByRole("dialog");
  await page.getByLabel(/^Name/).fill("ui-probes");
  await dialog.getByRole("textbox", { name: /^Image/ }).fill(testAppImage("probes"));
  await choosePullPolicy(page, "never");
  await page.getByLabel(/^Container port/).fill("8080");
  await page.getByRole("combobox", { name: "Hosts" }).click();
  await page.getByRole("option", { name: host?.name ?? "" }).click();
  await page.keyboard.press("Escape");

  const section = dialog.getByRole("group", { name: "Health checks" });
  await section.getByLabel("Readiness path").fill("/ready");
  await section.getByLabel("Probe port").fill(String(TEST_APP_PROBE_PORT));
  await section.getByLabel("Liveness path").fill("/live");
  await section.getByLabel("Probe interval (seconds)").fill("1");
  // The rule between fields is told before anything is sent.
  await section.getByLabel("Probe timeout (seconds)").fill("3");
  await section.getByLabel("Probe timeout (seconds)").blur();
  await expect(section).toContainText("The probe timeout (3 s) must not be longer than the probe interval (1 s).");
  await section.getByLabel("Probe timeout (seconds)").fill("1");
  await section.screenshot({ path: "test-results/e2e/live-health-form.png" });
  // Every field of the section is labelled and described for a screen reader.
  const axe = await new AxeBuilder({ page }).include("[role=dialog]").withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`)).toEqual([]);
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page).toHaveURL(/\/apps\/ui-probes/);

  await page.getByRole("button", { name: "Deploy", exact: true }).click();
  await page.getByRole("button", { name: "Start deploy" }).click();
  await expect(page.getByTestId("step-Live")).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(page.getByText(/Started wh-ui-probes-r1-\S+ on .*, port \d+ \(probes on \d+\)/)).toBeVisible();

  await page.goto(`${baseUrl()}/apps/ui-probes`);
  const instances = page.getByRole("table", { name: "Instances" });
  await expect(instances.getByText("Healthy", { exact: true })).toBeVisible();
  const containerName = (
    await instances
      .getByRole("cell", { name: /^wh-ui-probes-r1-/ })
      .first()
      .innerText()
  ).split(/\s/)[0];
  await runDocker(["exec", containerName ?? "", "rm", "-f", "/probes/ready"]);
  // The page refetches on the portal's hint: no reload.
  await expect(instances.getByText("Unhealthy", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(instances).toContainText(/Not ready: GET \/ready on 127\.0\.0\.1:\d+ answered 404/);
  await expect(instances.locator("time").first()).toBeVisible();
  await page.screenshot({ path: "test-results/e2e/live-health-instances.png", fullPage: true });

  await runDocker(["exec", containerName ?? "", "sh", "-c", "echo ok > /probes/ready"]);
  await expect(instances.getByText("Healthy", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(instances).not.toContainText("Not ready");
});
