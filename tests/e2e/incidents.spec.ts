// Incidents end to end, against a real agent, Docker engine and nginx: an app built like seed 000's
// framework (probes on port 9090) goes Live; its readiness file is deleted in the container, the
// agent's live probe fails, and an incident opens by itself with the health-check runbook attached
// and its automatic steps run. An operator opens it, runs the checks again and sees the readiness
// check name the failure, ticks the manual steps, opens a shell from the incident and types in it,
// resolves the incident and writes the postmortem; the timeline shows each step with who and
// when, and the shell session with its recording. A viewer sees it all without the controls.
// Screenshots of every incident and runbook page, light and dark, go to test-results/e2e/screens/incidents/.
import { mkdirSync } from "node:fs";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { ensureTestAppImage, runDocker, TEST_APP_PROBE_PORT, testAppImage } from "../support/docker.ts";
import { waitFor } from "../support/wait-for.ts";
import { baseUrl, signIn } from "./helpers.ts";

const admin = { name: "Ines Incidents", email: "ines@example.com", password: "incidents admin password" };
const operator = { name: "Olga Oncall", email: "olga@example.com", password: "olga operator password" };
const viewer = { name: "Vera Viewer", email: "vera@example.com", password: "vera viewer password" };
// Unique per run: a worker restarted after a failure runs beforeAll again, with a new app.
const APP = `inc-shop-${Date.now().toString(36)}`;
const RUNBOOK = "health-check-failure";
const SHOTS = "test-results/e2e/screens/incidents";

let host: TestHost | undefined;
let client: ApiClient;
let incidentId = "";
let incidentNumber = 0;

interface StepStateDto {
  stepId: string;
  outcome: string | null;
}
interface IncidentDto {
  id: string;
  number: number;
  runbooks: { slug: string; steps: StepStateDto[] }[];
}

/** Both themes of the page as it is now, after the page redraws in each. */
async function shoot(page: Page, name: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", colorScheme);
    await page.screenshot({ path: `${SHOTS}/${name}-${colorScheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  await ensureTestAppImage("probes");
  // foundation.spec.ts (run first, see playwright.config.ts) set the portal up: its admin adds ours.
  client = new ApiClient(baseUrl());
  if ((await client.signIn(admin.email, admin.password)).status !== 200) {
    await client.signIn("ada@example.com", "correct horse battery");
    await client.mutate("users.create", { ...admin, role: "admin" });
    await client.signIn(admin.email, admin.password);
  }
  for (const [person, role] of [
    [operator, "operator"],
    [viewer, "viewer"],
  ] as const) {
    await client.mutate("users.create", { ...person, role });
  }
  // A container shell also needs the member's own grant (terminal/shell-access.ts).
  const members = await client.query<{ id: string; email: string }[]>("users.list");
  const olga = members.data?.find((member) => member.email === operator.email);
  if (!olga) throw new Error(`${operator.email} was not created: ${JSON.stringify(members.error)}`);
  const granted = await client.mutate("users.setShellGrant", { userId: olga.id, granted: true });
  if (granted.status !== 200) throw new Error(JSON.stringify(granted.error));

  host = await enrolHostWithNginx(client, baseUrl(), `inc-host-${Date.now()}`);
  const created = await client.mutate("apps.create", {
    name: APP,
    image: testAppImage("probes"),
    // Built on this engine, in no registry: local images only.
    pullPolicy: "never",
    port: 8080,
    hosts: [host.id],
    // Seed 000's layout: readiness and liveness on a probe port of their own, probed every second.
    probePort: TEST_APP_PROBE_PORT,
    healthPath: "/ready",
    livenessPath: "/live",
    healthIntervalSeconds: 1,
    healthProbeTimeoutSeconds: 1,
    healthFailureThreshold: 2,
    healthSuccessThreshold: 1,
  });
  if (created.status !== 200) throw new Error(JSON.stringify(created.error));
  const deployed = await client.mutate<{ deployment: { id: string } }>("apps.deploy", { name: APP });
  const deploymentId = deployed.data?.deployment.id;
  if (!deploymentId) throw new Error(JSON.stringify(deployed.error));
  const status = await waitFor(
    async () =>
      (await client.query<{ deployment: { status: string } }>("apps.deployment", { id: deploymentId })).data?.deployment
        .status,
    { what: `${APP}'s first deployment finishing`, timeoutMs: 60_000, until: (s) => s === "Live" || s === "Failed" },
  );
  expect(status).toBe("Live");
  const detail = await client.query<{ app: { instances: { containerId: string | null }[] } }>("apps.get", {
    name: APP,
  });
  const containerId = detail.data?.app.instances[0]?.containerId;
  if (!containerId) throw new Error(`${APP} is Live without a container`);

  // Readiness fails from now on: the agent's probe gets 404 for /ready.
  await runDocker(["exec", containerId, "rm", "/probes/ready"]);
  const opened = await waitFor(
    async () =>
      (await client.query<{ incidents: { id: string; number: number }[] }>("incidents.list", { app: APP })).data
        ?.incidents[0],
    { what: `an incident opening by itself for ${APP}`, timeoutMs: 60_000, intervalMs: 500 },
  );
  incidentId = opened.id;
  incidentNumber = opened.number;
  // The health-check runbook attaches by its rules and its automatic steps run in the background.
  await waitFor(
    async () => (await client.query<{ incident: IncidentDto }>("incidents.get", { id: incidentId })).data?.incident,
    {
      what: `${RUNBOOK} attached to incident #${incidentNumber} with its automatic steps finished`,
      timeoutMs: 60_000,
      intervalMs: 500,
      until: (incident) => {
        const run = incident?.runbooks.find((r) => r.slug === RUNBOOK);
        const readiness = run?.steps.find((step) => step.stepId === "readiness");
        return readiness?.outcome !== undefined && readiness.outcome !== null && readiness.outcome !== "running";
      },
    },
  );
});

test.afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
});

const terminalScreen = (page: Page) => page.locator(".xterm-rows");

/** A step of the health-check runbook on the incident page. */
const step = (page: Page, id: string): Locator => page.getByTestId(`runbook-run-${RUNBOOK}`).getByTestId(`step-${id}`);

test("an operator works the incident that opened by itself: checks, manual steps, a shell, resolved, postmortem", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, operator.email, operator.password);

  // The navigation counts the open incident; the list shows it; the app page links to it.
  // (Other specs' failed deploys may have opened incidents on this shared portal too.)
  await expect(page.getByRole("navigation", { name: "Main" }).getByLabel(/^\d+ open$/)).toBeVisible();
  await page.goto(`${baseUrl()}/apps/${APP}`);
  const banner = page.getByTestId("open-incident-banner");
  await expect(banner).toContainText(`#${incidentNumber}`);
  await shoot(page, "app-with-open-incident");
  await page.goto(`${baseUrl()}/incidents`);
  const row = page.getByTestId(`incident-${incidentNumber}`);
  await expect(row).toContainText("SEV3");
  await expect(row).toContainText("Investigating");
  await expect(row).toContainText(APP);
  await shoot(page, "incidents");
  await row.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${incidentId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`#${incidentNumber}`);

  // Opened by the signal, the runbook attached by its rules, its automatic steps already run by Wheelhouse.
  const timeline = page.getByTestId("incident-timeline");
  await expect(timeline.getByTestId("timeline-opened")).toContainText("by a signal");
  await expect(timeline.getByTestId("timeline-signal").first()).toContainText("instance.unhealthy");
  // Every runbook whose rules match attaches (container-health ones too): the health-check one among them.
  await expect(
    timeline.getByTestId("timeline-runbook.attached").filter({ hasText: "Health-check failure" }),
  ).toContainText("by its rules");
  await expect(step(page, "readiness")).toHaveAttribute("data-outcome", "fail");
  await expect(step(page, "readiness").getByTestId("step-attribution")).toContainText("automatically");
  await shoot(page, "incident-auto-opened");

  // Run the checks again by hand: each answers, with the operator as the one who ran it.
  await page.getByTestId(`runbook-run-${RUNBOOK}`).getByRole("button", { name: "Run all checks" }).click();
  // They run one after another; the last one answering means all did.
  await expect(step(page, "metrics").getByTestId("step-attribution")).toContainText(operator.email, {
    timeout: 60_000,
  });
  const readiness = step(page, "readiness");
  await expect(readiness.getByTestId("step-attribution")).toContainText(operator.email);
  await expect(readiness).toHaveAttribute("data-outcome", "fail");
  // The finding names what failed: the readiness path on the probe port.
  await expect(readiness.getByTestId("step-finding")).toContainText(/ready|404/);
  await readiness.getByRole("button", { name: /^Raw output/ }).click();
  await expect(readiness.locator("pre")).toBeVisible();
  for (const id of ["container-state", "upstream", "recent-deployments"]) {
    await expect(step(page, id).getByTestId("step-attribution")).toContainText(operator.email);
    await expect(step(page, id)).toHaveAttribute("data-outcome", /^(pass|fail|error)$/);
  }

  // Tick the manual steps.
  for (const [id, title] of [
    ["probe-from-inside", "Call the probes from inside the container"],
    ["restore-service", "Restore service, then fix"],
  ] as const) {
    await page.getByRole("checkbox", { name: `Done: ${title}` }).check();
    await expect(step(page, id)).toHaveAttribute("data-outcome", "done");
    await expect(step(page, id).getByTestId("step-attribution")).toContainText(operator.email);
  }
  await shoot(page, "incident-steps-run");

  // A shell from the incident, on the app's instance.
  await page.getByRole("link", { name: "Open shell" }).click();
  await expect(page).toHaveURL(/\/terminal\?session=/);
  await expect(terminalScreen(page)).toContainText("#");
  await page.getByTestId("terminal").click();
  await page.keyboard.type("echo incident-$((40+2))");
  await page.keyboard.press("Enter");
  await expect(terminalScreen(page)).toContainText("incident-42");
  await page.getByRole("button", { name: "End session" }).click();
  await expect(page.getByText("This session has ended")).toBeVisible();

  // Back on the incident: resolve it.
  await page.goto(`${baseUrl()}/incidents/${incidentId}`);
  await page.getByRole("combobox", { name: "Status" }).click();
  await page.getByRole("option", { name: "Resolved" }).click();
  await expect(page.getByTestId("incident-status").first()).toHaveText("Resolved");
  await expect(timeline.getByTestId("timeline-status").last()).toContainText("Resolved");
  await expect(timeline.getByTestId("timeline-status").last()).toContainText(operator.email);

  // The postmortem, with the timeline copied in and an action item.
  await page.getByLabel("Summary").fill("Readiness of the shop failed: /ready was missing in the container.");
  await page.getByLabel("Impact").fill("The app served the 502 page for a few minutes.");
  await page.getByRole("button", { name: "Copy from timeline" }).click();
  await expect(page.getByLabel("Timeline excerpt")).toHaveValue(/check "Probe every instance's readiness path": fail/);
  await page.getByRole("button", { name: "Add action item" }).click();
  await page.getByLabel("Action item 1", { exact: true }).fill("Alert on readiness before the upstream empties");
  await page.getByLabel("Owner of action item 1").fill(operator.email);
  await page.getByRole("button", { name: "Save postmortem" }).click();
  await expect(page.getByText("Postmortem saved").first()).toBeVisible();
  await expect(timeline.getByTestId("timeline-postmortem")).toContainText(operator.email);

  // The timeline: each step with who and when, and the shell with its recording.
  const stepEntries = timeline.getByTestId("timeline-runbook.step").filter({ hasText: operator.email });
  await expect(stepEntries.filter({ hasText: "Probe every instance's readiness path" }).first()).toContainText("fail");
  await expect(stepEntries.filter({ hasText: "Call the probes from inside the container" })).toContainText("done");
  await expect(stepEntries.filter({ hasText: "Restore service, then fix" })).toContainText("done");
  await expect(stepEntries.first().locator("time")).toBeVisible();
  const shell = timeline.getByTestId("timeline-shell");
  await expect(shell).toContainText(operator.email);
  await shoot(page, "incident-resolved");
  await shell.getByRole("button", { name: /^Play the recording/ }).click();
  const player = page.getByTestId("recording-player");
  await expect(player).toBeVisible();
  await page.getByRole("slider", { name: "Position in the recording" }).focus();
  await page.keyboard.press("End");
  await expect(player.locator(".xterm-rows")).toContainText("incident-42");
  await page.keyboard.press("Escape");

  // Saved for real: a reload shows the postmortem and the resolved status.
  await page.reload();
  await expect(page.getByLabel("Summary")).toHaveValue(/\/ready was missing/);
  await expect(page.getByLabel("Action item 1", { exact: true })).toHaveValue(/Alert on readiness/);
  await page.goto(`${baseUrl()}/incidents`);
  await expect(page.getByTestId(`incident-${incidentNumber}`)).toHaveCount(0);
  // The status filter's segments are labels over visually hidden radios: a person clicks the label.
  await page.locator("label", { hasText: /^Resolved$/ }).click();
  await expect(page.getByRole("radio", { name: "Resolved" })).toBeChecked();
  await expect(page.getByTestId(`incident-${incidentNumber}`)).toContainText("Resolved");
});

test("an operator declares an incident by hand, leads it, attaches a runbook and adds a note", async ({ page }) => {
  await signIn(page, operator.email, operator.password);
  await page.goto(`${baseUrl()}/incidents`);
  await page.getByRole("button", { name: "Declare incident" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Declare an incident" });
  await dialog.getByRole("textbox", { name: /^Title/ }).fill("Checkout is slow");
  await dialog.getByRole("radio", { name: "SEV2" }).check();
  await dialog.getByRole("combobox", { name: "App" }).click();
  await page.getByRole("option", { name: APP }).click();
  await dialog.getByRole("button", { name: "Declare incident" }).click();
  await expect(page).toHaveURL(/\/incidents\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Checkout is slow");
  await expect(page.getByTestId("incident-severity").first()).toHaveText("SEV2");
  // The person who declares it leads it unless they chose someone else.
  await expect(page.getByRole("combobox", { name: "Lead" })).toHaveValue(operator.name);
  const timeline = page.getByTestId("incident-timeline");
  await expect(timeline.getByTestId("timeline-opened")).toContainText("by hand");

  await page.getByRole("combobox", { name: "Attach a runbook" }).fill("Slow responses");
  await page.getByRole("option", { name: "Slow responses" }).click();
  await page.getByRole("button", { name: "Attach", exact: true }).click();
  await expect(page.getByTestId("runbook-run-slow-responses")).toContainText("Attached by hand");
  await expect(timeline.getByTestId("timeline-runbook.attached")).toContainText(operator.email);

  await page.getByLabel("Add a note").fill("p99 doubled after 10:00; looking at the database.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(timeline.getByTestId("timeline-note")).toContainText("p99 doubled after 10:00");
  await expect(timeline.getByTestId("timeline-note")).toContainText(operator.email);
  await expect(page.getByLabel("Add a note")).toHaveValue("");
});

test("a viewer reads the incident and the runbooks without any control", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, viewer.email, viewer.password);
  await page.goto(`${baseUrl()}/incidents/${incidentId}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`#${incidentNumber}`);
  await expect(page.getByTestId(`runbook-run-${RUNBOOK}`)).toBeVisible();
  await expect(page.getByTestId("incident-timeline").getByTestId("timeline-runbook.step").first()).toBeVisible();
  for (const name of ["Run all checks", "Attach", "Add note", "Save postmortem", "Open shell"])
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Open shell" })).toHaveCount(0);
  await expect(page.getByRole("checkbox", { name: /^Done: / }).first()).toBeDisabled();
  await expect(page.getByRole("combobox", { name: "Status" })).toHaveCount(0);
  await page.goto(`${baseUrl()}/incidents`);
  await expect(page.getByRole("button", { name: "Declare incident" })).toHaveCount(0);
  await page.goto(`${baseUrl()}/runbooks/${RUNBOOK}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Health-check failure");
  await expect(page.getByRole("button", { name: /^Edit/ })).toHaveCount(0);
  await page.goto(`${baseUrl()}/settings/incident-rules`);
  await expect(page.getByRole("table", { name: "Incident rules" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save rules" })).toHaveCount(0);
  await context.close();
});

test("runbooks: the library searched, one rendered, a team copy edited with live validation, the rules page", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, operator.email, operator.password);
  await page.goto(`${baseUrl()}/runbooks`);
  await expect(page.getByTestId(`runbook-${RUNBOOK}`)).toBeVisible();
  await shoot(page, "runbooks");
  await page.getByLabel("Search").fill("502");
  await expect(page.getByTestId("runbook-app-live-but-502")).toBeVisible();
  await expect(page.getByTestId("runbook-backup")).toHaveCount(0);
  await page.getByLabel("Search").fill("");

  await page.goto(`${baseUrl()}/runbooks/${RUNBOOK}`);
  await expect(page.getByText("How to troubleshoot a deployment › Health-check failures")).toBeVisible();
  await expect(page.getByTestId("runbook-step-readiness")).toContainText("http.probe");
  await shoot(page, "runbook");

  // Edit a team copy: an error is reported with its line while typing, and fixed, it saves as version 1.
  await page.getByRole("button", { name: "Edit a team copy" }).click();
  const editor = page.getByLabel("Runbook (YAML)");
  const source = await editor.inputValue();
  await editor.fill(source.replace("check: http.probe", "check: http.prob"));
  const validation = page.getByTestId("runbook-validation");
  await expect(validation).toContainText(/line \d+: steps\.0\.check: check must be one of/);
  await shoot(page, "runbook-editor-error");
  await editor.fill(source.replace("title: Health-check failure", "title: Health-check failure (our copy)"));
  await expect(validation).toContainText("Valid");
  await page.getByRole("button", { name: "Save new version" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Health-check failure (our copy)");
  await expect(page.getByText("team (replaces library)")).toBeVisible();
  await expect(page.getByRole("link", { name: "v1" })).toBeVisible();

  // A new runbook from the template validates as it stands.
  await page.goto(`${baseUrl()}/runbooks/new`);
  await expect(page.getByTestId("runbook-validation")).toContainText("Valid");
  await shoot(page, "runbook-new");

  // Incident rules: an operator reads them (admins edit).
  await page.goto(`${baseUrl()}/settings/incident-rules`);
  await expect(page.getByRole("table", { name: "Incident rules" })).toContainText("Deployment failed");
  await shoot(page, "incident-rules-operator");
});

test("an admin edits the incident rules: reorder, remove, reset to defaults, save", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.goto(`${baseUrl()}/settings/incident-rules`);
  const table = page.getByRole("table", { name: "Incident rules" });
  await expect(page.getByRole("combobox", { name: "Rule 1: signal" })).toHaveValue("Deployment failed");
  await page.getByRole("button", { name: "Move rule 1 down" }).click();
  await expect(page.getByRole("combobox", { name: "Rule 2: signal" })).toHaveValue("Deployment failed");
  await expect(page.getByRole("combobox", { name: "Rule 2: environment" })).toHaveValue("production");
  await page.getByRole("button", { name: "Remove rule 9" }).click();
  await shoot(page, "incident-rules-admin");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByText("Rules saved")).toBeVisible();
  const saved = await client.query<{ rules: { kind: string; environment: string }[]; isDefault: boolean }>(
    "incidents.rules",
  );
  expect(saved.data?.isDefault).toBe(false);
  expect(saved.data?.rules).toHaveLength(8);
  expect(saved.data?.rules[1]).toMatchObject({ kind: "deployment.failed", environment: "production" });
  await page.getByRole("button", { name: "Reset to defaults" }).click();
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect
    .poll(async () => (await client.query<{ rules: unknown[] }>("incidents.rules")).data?.rules.length)
    .toBe(9);
  await expect(table).toBeVisible();
});
