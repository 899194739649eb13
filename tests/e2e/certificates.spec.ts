// Certificates in Chromium (issue 15) with every real part: an admin points the portal at pebble on
// Settings → Certificates; an operator presses Enable HTTPS on the app page and watches the badge go
// Pending → Active; the certificate page shows the dates, pebble's intermediate as issuer, the names,
// the chain and the history; and nginx on the agent's HTTPS port serves a certificate that verifies
// against pebble's root for the domain. Then the upload dialog, reached from the app's wildcard
// domain: a key of another certificate is refused with the portal's sentence, the right one is
// served. Each page is photographed in both themes into test-results/e2e/screens/certificates-*.png
// and checked with axe.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Browser, expect, type Page, test } from "@playwright/test";
import type { CertificateDetail } from "@wheelhouse/shared";
import { OpensslPki } from "../../apps/web/src/server/testing/openssl-pki.ts";
import type { ApiClient } from "../support/api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { ensureTestAppImage, testAppImage, testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type PebbleServer, startPebble } from "../support/pebble.ts";
import { waitFor } from "../support/wait-for.ts";
import { deployLive, ensurePeople, shootAndCheck, signedIn } from "./approvals-world.ts";
import { baseUrl, signIn } from "./helpers.ts";

test.describe.configure({ mode: "serial" });

const APP = "cert-shop";
const DOMAIN = "cert-shop.test";
/** HTTP-01 cannot prove a wildcard: this one gets an uploaded certificate. */
const WILDCARD = "*.cert-shop.test";
const SHOTS = "test-results/e2e/screens";
const PEOPLE = {
  admin: { name: "Cleo Certs", email: "cleo.certs@example.com", password: "cleo admin password", role: "admin" },
  operator: {
    name: "Oskar Ops",
    email: "oskar.ops@example.com",
    password: "oskar operator password",
    role: "operator",
  },
} as const;

interface World {
  host: TestHost;
  pebble: PebbleServer;
  operator: ApiClient;
  pki: OpensslPki;
}
let world: World | undefined;

function need(): World {
  if (!world) throw new Error("beforeAll did not finish");
  return world;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await ensureTestAppImage("v1");
  await ensurePeople(Object.values(PEOPLE));
  const admin = await signedIn(PEOPLE.admin);
  const operator = await signedIn(PEOPLE.operator);
  const host = await enrolHostWithNginx(admin, baseUrl(), `certs-host-${Date.now()}`);
  const pki = new OpensslPki();
  try {
    // pebble validates HTTP-01 against the agent's nginx; its DNS answers 127.0.0.1 for every name.
    const pebble = await startPebble({ httpPort: host.nginxPort });
    world = { host, pebble, operator, pki };
    const created = await admin.mutate("apps.create", {
      name: APP,
      image: testAppImage("v1"),
      // Built on this engine, in no registry: local images only.
      pullPolicy: "never",
      port: 8080,
      hosts: [host.id],
      domains: [DOMAIN, WILDCARD],
    });
    if (created.status !== 200) throw new Error(JSON.stringify(created.error));
    await deployLive(admin, undefined, APP);
  } catch (error) {
    await world?.pebble.stop();
    await host.tearDown();
    pki.remove();
    world = undefined;
    throw error;
  }
});

test.afterAll(async () => {
  // The shared portal goes back to the environment's directory rather than a pebble that is gone.
  await (await signedIn(PEOPLE.admin)).mutate("certificates.resetAcmeSettings", {});
  await world?.pebble.stop();
  await world?.host.tearDown();
  world?.pki.remove();
  await removeAppContainers();
});

async function signedInPage(browser: Browser, person: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, person.email, person.password);
  return page;
}

/** Closes the toasts, so the screenshot shows the page under them. */
async function closeToasts(page: Page): Promise<void> {
  const close = page.locator(".mantine-Notification-root").getByRole("button", { name: "Close" });
  for (let open = await close.count(); open > 0; open -= 1) {
    await close.first().click();
    await expect(close).toHaveCount(open - 1);
  }
}

async function checked(page: Page, name: string): Promise<void> {
  // A full-page screenshot of a scrolled page draws the fixed header halfway down: start at the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  const found = await shootAndCheck(page, `certificates-${name}`, SHOTS);
  expect.soft(found, found.join("\n")).toEqual([]);
}

/** The text of each CN= in a distinguished name as node prints it ("CN=Pebble Intermediate CA 1a2b3c"). */
function commonName(pem: string): string {
  const name = /CN=([^\n,]+)/.exec(new X509Certificate(pem).subject)?.[1];
  if (!name) throw new Error(`no CN in ${new X509Certificate(pem).subject}`);
  return name.trim();
}

test("an admin points the portal at pebble on Settings → Certificates", async ({ browser }) => {
  const { pebble } = need();
  const page = await signedInPage(browser, PEOPLE.admin);
  await page.goto(`${baseUrl()}/settings/certificates`);
  const form = page.getByRole("form", { name: "ACME settings" });
  await form.getByRole("combobox", { name: "Directory" }).click();
  await page.getByRole("option", { name: "Custom" }).click();
  await form.getByRole("textbox", { name: "Directory URL" }).fill(pebble.directoryUrl);
  await form.getByRole("textbox", { name: "Contact email" }).fill("ops@example.com");
  await form.getByRole("textbox", { name: "CA bundle (PEM)" }).fill(pebble.caBundlePem);
  await form.getByRole("button", { name: "Save ACME settings" }).click();
  await expect(page.locator(".mantine-Notification-root").filter({ hasText: "ACME settings saved" })).toBeVisible();
  const inUse = page.getByTestId("acme-settings");
  await expect(inUse).toContainText(pebble.directoryUrl);
  await expect(inUse).toContainText("An admin, on this page");
  await expect(inUse).toContainText("1 CA certificate trusted");
  await closeToasts(page);
  await checked(page, "settings");
  await page.context().close();
});

test("an operator enables HTTPS: Pending, then Active, and nginx serves a certificate pebble's root verifies", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const { host, pebble, operator } = need();
  const page = await signedInPage(browser, PEOPLE.operator);
  await page.goto(`${baseUrl()}/apps/${APP}`);
  const row = page.getByTestId(`https-${DOMAIN}`);
  await expect(row).toContainText("No certificate");
  await expect(row.getByRole("button", { name: `Upload certificate for ${DOMAIN}` })).toBeVisible();
  await checked(page, "app-page-before");
  // Every status the row's badge shows, in order: Pending may last well under a second with pebble.
  await page.evaluate((testId) => {
    const seen: string[] = [];
    Object.assign(window, { seenStatuses: seen });
    const record = () => {
      const text = document.querySelector(`[data-testid="${testId}"] [data-testid="certificate-status"]`)?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, `https-${DOMAIN}`);
  await row.getByRole("button", { name: `Enable HTTPS for ${DOMAIN}` }).click();
  await expect(row.getByTestId("certificate-status")).toHaveText("Active", { timeout: 60_000 });
  const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
  expect(seen).toEqual(["Pending", "Active"]);
  // The wildcard beside it can only be uploaded: its row offers that, and no Enable HTTPS.
  const wildcardRow = page.getByTestId(`https-${WILDCARD}`);
  await expect(wildcardRow.getByRole("button", { name: `Upload certificate for ${WILDCARD}` })).toBeVisible();
  await expect(wildcardRow.getByRole("button", { name: /Enable HTTPS/ })).toHaveCount(0);
  await closeToasts(page);
  await checked(page, "app-page");

  // The certificate page: dates, issuer (pebble's intermediate), names, chain and history.
  await row.getByRole("link", { name: `Certificate of ${DOMAIN}` }).click();
  await expect(page).toHaveURL(new RegExp(`/certificates/${DOMAIN}$`));
  await expect(page.getByRole("heading", { level: 1, name: DOMAIN })).toBeVisible();
  const answer = await operator.query<{ certificate: CertificateDetail }>("certificates.get", { domain: DOMAIN });
  const issued = answer.data?.certificate;
  if (!issued?.notBefore || !issued.notAfter) throw new Error(`not issued: ${JSON.stringify(answer)}`);
  const intermediate = commonName(await pebble.intermediatePem());
  const facts = page.getByRole("table", { name: "Certificate", exact: true });
  const local = (iso: string) => page.evaluate((value) => new Date(value).toLocaleString(), iso);
  await expect(facts.getByRole("row", { name: /Not before/ })).toContainText(await local(issued.notBefore));
  await expect(facts.getByRole("row", { name: /Not after/ })).toContainText(await local(issued.notAfter));
  await expect(facts.getByRole("row", { name: /Issuer/ })).toContainText(intermediate);
  await expect(facts.getByRole("row", { name: /Names/ })).toContainText(DOMAIN);
  await expect(page.getByText(`· issued by ${intermediate}`)).toBeVisible();
  const chainRows = page.getByTestId("certificate-chain").locator("tbody tr");
  await expect(chainRows).toHaveCount(issued.chain.length);
  expect(issued.chain.length).toBeGreaterThanOrEqual(2);
  await expect(chainRows.nth(0)).toContainText("the certificate itself");
  await expect(chainRows.nth(1)).toContainText(intermediate);
  const history = page.getByTestId("certificate-history");
  for (const kind of ["requested", "order-started", "issued"]) {
    await expect(history.locator(`[data-kind="${kind}"]`)).toHaveCount(1);
  }
  await expect(history.locator('[data-kind="requested"]')).toContainText(`by ${PEOPLE.operator.email}`);
  await expect(history.locator('[data-kind="issued"]')).toContainText(`Issued by ${intermediate}`);
  await checked(page, "detail");

  // What a browser would get: nginx on the HTTPS port, the domain as SNI, trusting only pebble's root.
  const root = await pebble.rootPem();
  const served = await waitFor(() => requestWithHost(host.httpsPort, DOMAIN, { ca: root }), {
    what: `nginx serving ${DOMAIN} over HTTPS with a certificate pebble's root verifies`,
    timeoutMs: 20_000,
    intervalMs: 250,
    until: (answer) => answer.status === 200,
  });
  expect(served.status).toBe(200);
  expect(served.body).toBe(testAppPage("v1"));
  await page.context().close();
});

test("an upload with another certificate's key is refused with the portal's sentence; the right key is served", async ({
  browser,
}) => {
  const { host, pki } = need();
  const { root, intermediate, leaf } = await pki.chain([WILDCARD], "Cert Shop");
  const otherKey = readFileSync(await pki.newKey("other"), "utf8");
  const page = await signedInPage(browser, PEOPLE.operator);
  await page.goto(`${baseUrl()}/apps/${APP}`);
  const row = page.getByTestId(`https-${WILDCARD}`);
  await row.getByRole("button", { name: `Upload certificate for ${WILDCARD}` }).click();
  const dialog = page.getByRole("dialog", { name: "Upload a certificate" });
  await expect(dialog).toContainText(WILDCARD);
  await checked(page, "upload-dialog");

  /** Picks a file through the field's "Choose file", as a person would; the browser reads it. */
  const choose = async (what: string, name: string, text: string) => {
    const chooser = page.waitForEvent("filechooser");
    await dialog.getByRole("button", { name: `Choose file for ${what}` }).click();
    await (await chooser).setFiles({ name, mimeType: "application/x-pem-file", buffer: Buffer.from(text) });
    await expect(dialog.getByText(`Read from ${name}`)).toBeVisible();
  };
  await choose("the certificate", "fullchain.pem", `${leaf.certPem}${intermediate.certPem}`);
  await expect(dialog.getByRole("textbox", { name: "Certificate" })).toHaveValue(
    `${leaf.certPem}${intermediate.certPem}`,
  );
  await choose("the trusted root", "root.pem", root.certPem);
  const key = dialog.getByRole("textbox", { name: "Private key" });
  await key.fill(otherKey);
  await dialog.getByRole("button", { name: "Upload certificate" }).click();
  const refusal = dialog.getByRole("alert").filter({ hasText: "Not uploaded" });
  await expect(refusal).toContainText("The key does not belong to the certificate");
  await expect(row).toContainText("No certificate");
  await checked(page, "upload-refused");

  await key.fill(leaf.keyPem);
  await dialog.getByRole("button", { name: "Upload certificate" }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.locator(".mantine-Notification-root").filter({ hasText: `Certificate uploaded for ${WILDCARD}` }),
  ).toBeVisible();
  await expect(row.getByTestId("certificate-status")).toHaveText("Active");
  await closeToasts(page);
  await checked(page, "app-page-uploaded");

  const name = "www.cert-shop.test";
  const served = await waitFor(() => requestWithHost(host.httpsPort, name, { ca: root.certPem }), {
    what: `nginx serving ${name} over HTTPS with the uploaded wildcard certificate`,
    timeoutMs: 20_000,
    intervalMs: 250,
    until: (answer) => answer.status === 200,
  });
  expect(served.status).toBe(200);
  expect(served.body).toBe(testAppPage("v1"));

  // The wildcard's own page, from the row's link: what was uploaded, by whom.
  await row.getByRole("link", { name: `Certificate of ${WILDCARD}` }).click();
  await expect(page).toHaveURL(/\/certificates\/\*\.cert-shop\.test$/);
  // Read from the portal, not from what the upload answered into the page's cache.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: WILDCARD })).toBeVisible();
  const facts = page.getByRole("table", { name: "Certificate", exact: true });
  await expect(facts.getByRole("row", { name: /Source/ })).toContainText("Uploaded");
  await expect(facts.getByRole("row", { name: /Issuer/ })).toContainText("Cert Shop Intermediate CA");
  await expect(facts.getByRole("row", { name: /Names/ })).toContainText(WILDCARD);
  await expect(page.getByTestId("certificate-history").locator('[data-kind="uploaded"]')).toContainText(
    `Uploaded by ${PEOPLE.operator.email}`,
  );
  await checked(page, "detail-uploaded");
  await page.context().close();
});
