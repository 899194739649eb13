// Accessible by default: every page a signed-in admin and a viewer reach passes axe-core's WCAG 2.1
// A and AA rules, in the light and in the dark theme, with real data on it (a host with its agent,
// an app deployed to it). A violation fails the test with the page, the rule and the elements.
import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { ensureTestAppImage, testAppImage } from "../support/docker.ts";
import { waitFor } from "../support/wait-for.ts";
import { baseUrl, signIn } from "./helpers.ts";

const admin = { name: "Alma Access", email: "alma@example.com", password: "alma admin password", role: "admin" };
const viewer = { name: "Vanya Viewer", email: "vanya@example.com", password: "vanya viewer password", role: "viewer" };
const APP = "axe-shop";
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

let host: TestHost | undefined;
/** The signed-in pages, with real ids filled in by beforeAll. */
let pages: string[] = [];

test("a page asks for no file that is missing: the icon answers as SVG and as /favicon.ico", async ({ page }) => {
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${baseUrl()}/sign-in`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  const icon = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute("href");
  expect(icon).toMatch(/^\/icon\.svg/);
  // Browsers and feed readers ask for /favicon.ico whatever the page links.
  const ico = await page.request.get(`${baseUrl()}/favicon.ico`);
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toBe("image/x-icon");
  expect(missing).toEqual([]);
});

/** Waits until the page has drawn its data: a heading, and no loader or skeleton left. */
async function settle(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await expect(page.locator(".mantine-Loader-root, .mantine-Skeleton-root[data-visible]")).toHaveCount(0);
  // axe reads colours as drawn: wait for Mantine's transitions (tabs, fading badges) to end. A
  // looping animation (a live dot's pulse) never ends and is not a transition: it is left out.
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Number.POSITIVE_INFINITY),
  );
}

/** axe's findings on the page as one line per rule, naming its elements; empty when it passes. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    // Label in name (WCAG 2.5.3) is still marked experimental in axe, so off unless asked for.
    .options({ rules: { "label-content-name-mismatch": { enabled: true } } })
    .withTags(WCAG_21_AA)
    .analyze();
  return result.violations.map((v) => {
    const elements = v.nodes.map((n) => `${n.target.join(" ")}${n.any[0] ? ` (${n.any[0].message})` : ""}`);
    return `${v.id} on ${v.nodes.length}: ${elements.join("; ")}`;
  });
}

/** Signs in and checks every page; returns "page: rule on N: elements" for each violation. */
async function audit(browser: Browser, person: typeof admin, colorScheme: "light" | "dark"): Promise<string[]> {
  const context = await browser.newContext({ colorScheme });
  const page = await context.newPage();
  const found: string[] = [];
  try {
    await page.goto(`${baseUrl()}/sign-in`);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    for (const v of await violations(page)) found.push(`/sign-in: ${v}`);
    await signIn(page, person.email, person.password);
    for (const path of pages) {
      await page.goto(`${baseUrl()}${path}`);
      await settle(page);
      for (const v of await violations(page)) found.push(`${path}: ${v}`);
      const shot = `${person.role}-${colorScheme}${path.replaceAll(/[/[\]]+/g, "-").slice(0, 60)}.png`;
      await page.screenshot({ path: `test-results/e2e/screens/a11y/${shot}`, fullPage: true });
    }
  } finally {
    await context.close();
  }
  return found;
}

test.describe("with a host and a deployed app", () => {
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    await ensureTestAppImage("v1");
    // foundation.spec.ts (run first, see playwright.config.ts) set the portal up: its admin adds ours.
    const client = new ApiClient(baseUrl());
    if ((await client.signIn(admin.email, admin.password)).status !== 200) {
      await client.signIn("ada@example.com", "correct horse battery");
      for (const person of [admin, viewer]) await client.mutate("users.create", person);
      await client.signIn(admin.email, admin.password);
    }
    host = await enrolHostWithNginx(client, baseUrl(), `axe-host-${Date.now()}`);
    const hostId = host.id;
    const created = await client.mutate("apps.create", {
      name: APP,
      image: testAppImage("v1"),
      // Built on this engine, in no registry: local images only.
      pullPolicy: "never",
      port: 8080,
      hosts: [hostId],
    });
    if (created.status !== 200) throw new Error(JSON.stringify(created.error));
    const deployed = await client.mutate<{ deployment: { id: string } }>("apps.deploy", { name: APP });
    const deploymentId = deployed.data?.deployment.id;
    if (!deploymentId) throw new Error(JSON.stringify(deployed.error));
    const finished = await waitFor(
      async () =>
        (await client.query<{ deployment: { status: string } }>("apps.deployment", { id: deploymentId })).data
          ?.deployment.status,
      { what: `${APP}'s first deployment finishing`, timeoutMs: 60_000, until: (s) => s === "Live" || s === "Failed" },
    );
    expect(finished).toBe("Live");
    const containerId = await waitFor(
      async () =>
        (
          await client.query<{ containers: { id: string; name: string }[] }>("containers.list", { hostId })
        ).data?.containers.find((c) => c.name.includes(APP))?.id,
      { what: `${APP}'s container in the host's inventory`, timeoutMs: 20_000 },
    );
    // An incident declared by hand on the app, with a runbook attached, so its page has every panel.
    const declared = await client.mutate<{ incident: { id: string } }>("incidents.open", {
      title: "Checkout answers slowly",
      severity: "SEV3",
      app: APP,
    });
    const incidentId = declared.data?.incident.id;
    if (!incidentId) throw new Error(JSON.stringify(declared.error));
    const attached = await client.mutate("runbooks.attach", { id: incidentId, slug: "health-check-failure" });
    if (attached.status !== 200) throw new Error(JSON.stringify(attached.error));
    pages = [
      "/apps",
      `/apps/${APP}`,
      `/apps/${APP}/logs`,
      `/apps/${APP}/deployments/${deploymentId}`,
      `/apps/${APP}/deployments/${deploymentId}/logs`,
      "/hosts",
      `/hosts/${hostId}`,
      `/hosts/${hostId}/containers/${containerId}/logs`,
      `/hosts/${hostId}/agent-logs`,
      "/incidents",
      `/incidents/${incidentId}`,
      "/runbooks",
      "/runbooks/health-check-failure",
      "/runbooks/new",
      "/approvals",
      "/certificates",
      "/audit",
      "/account",
      "/settings",
      "/settings/registries",
      "/settings/incident-rules",
      "/settings/approval-policies",
      "/settings/certificates",
      "/terminal",
    ];
  });

  test.afterAll(async () => {
    await host?.tearDown();
    await removeAppContainers();
  });

  // One test, so the host and the app are set up once; each role and theme is a step, and a failing
  // one does not hide the others' findings.
  test("every page an admin and a viewer reach passes WCAG 2.1 AA, in the light and the dark theme", async ({
    browser,
  }) => {
    test.setTimeout(600_000);
    for (const person of [admin, viewer]) {
      for (const colorScheme of ["light", "dark"] as const) {
        await test.step(`${person.role}, ${colorScheme} theme`, async () => {
          const found = await audit(browser, person, colorScheme);
          expect.soft(found, `${person.role}, ${colorScheme} theme:\n${found.join("\n")}`).toEqual([]);
        });
      }
    }
  });
});
