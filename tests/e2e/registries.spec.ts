// Settings → Registries in a real browser: a login added through the API shows in the table (host,
// user name, who added it) with no trace of its password on the page, and an admin removes it
// after confirming. Then a real private registry: the deployment page shows why a pull failed.
import { expect, test } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { ensureTestAppImage, testAppImage } from "../support/docker.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";
import { waitFor } from "../support/wait-for.ts";
import { baseUrl } from "./helpers.ts";

// The admin foundation.spec.ts made when it set the shared portal up.
const ADMIN = { email: "ada@example.com", password: "correct horse battery" };
const LOGIN = { host: "e2e-registry.example.com:5000", username: "e2e-bot", password: "e2e-Registry-Secret-91c4" };

test("a login added through the API is listed on the Registries page, without its password", async ({ page }) => {
  // page.request shares the page's cookies: signing in here signs the page in.
  const signedIn = await page.request.post(`${baseUrl()}/api/trpc/auth.signIn`, { data: ADMIN });
  expect(signedIn.ok()).toBe(true);
  const added = await page.request.post(`${baseUrl()}/api/trpc/registries.add`, { data: LOGIN });
  expect(added.ok(), await added.text()).toBe(true);
  expect(await added.text()).not.toContain(LOGIN.password);

  await page.goto(`${baseUrl()}/settings`);
  await page.getByRole("link", { name: "Open Registries" }).click();
  await expect(page).toHaveURL(/\/settings\/registries$/);
  const row = page.getByTestId(`registry-login-${LOGIN.host}`);
  await expect(row).toContainText(LOGIN.host);
  await expect(row).toContainText(LOGIN.username);
  await expect(row).toContainText(ADMIN.email);
  expect(await page.content()).not.toContain(LOGIN.password);

  await row.getByRole("button", { name: `Remove the login for ${LOGIN.host}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove login" }).click();
  await expect(page.getByText("Registry login removed")).toBeVisible();
  await expect(row).toHaveCount(0);
});

// A private registry (htpasswd behind TLS, Debian's docker-registry on loopback): a deploy without
// the team's login fails, and the deployment's page shows the registry's "unauthorized"; with the
// login added, the next deploy goes Live.
test.describe("a deploy from a private registry", () => {
  const PRIVATE = { username: "e2e-pusher", password: "e2e-Private-Registry-7d2a" };
  let registry: TestRegistry | undefined;
  let host: TestHost | undefined;
  const client = new ApiClient(baseUrl());

  test.beforeAll(async () => {
    await ensureTestAppImage("v1");
    registry = await startRegistry({ login: PRIVATE });
    await pushImage(testAppImage("v1"), `${registry.host}/e2e-private:v1`, {
      ...PRIVATE,
      serveraddress: registry.host,
    });
    expect((await client.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    host = await enrolHostWithNginx(client, baseUrl(), `private-host-${Date.now()}`);
  });

  test.afterAll(async () => {
    await host?.tearDown();
    await removeAppContainers();
    await registry?.stop();
  });

  async function deployAndWait(name: string): Promise<{ id: string; status: string }> {
    const started = await client.mutate<{ deployment: { id: string } }>("apps.deploy", { name });
    const id = started.data?.deployment.id ?? "";
    expect(id, JSON.stringify(started.error)).not.toBe("");
    return waitFor(
      async () =>
        (await client.query<{ deployment: { id: string; status: string } }>("apps.deployment", { id })).data
          ?.deployment,
      {
        what: `deployment ${id} to finish`,
        timeoutMs: 60_000,
        until: (d) => d?.status === "Live" || d?.status === "Failed",
      },
    ).then((d) => ({ id, status: d?.status ?? "" }));
  }

  test("fails with the registry's unauthorized on the deployment page, then goes Live with the login", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const name = "e2e-private";
    const created = await client.mutate("apps.create", {
      name,
      image: `${registry?.host}/e2e-private:v1`,
      port: 8080,
      hosts: [host?.id],
      pullPolicy: "always",
    });
    expect(created.status, JSON.stringify(created.error)).toBe(200);

    const failed = await deployAndWait(name);
    expect(failed.status).toBe("Failed");
    const signedIn = await page.request.post(`${baseUrl()}/api/trpc/auth.signIn`, { data: ADMIN });
    expect(signedIn.ok()).toBe(true);
    await page.goto(`${baseUrl()}/apps/${name}/deployments/${failed.id}`);
    await expect(page.getByText(/unauthorized/).first()).toBeVisible();
    await expect(page.getByText(/add a login for/).first()).toBeVisible();

    const added = await client.mutate("registries.add", { host: registry?.host, ...PRIVATE });
    expect(added.status, JSON.stringify(added.error)).toBe(200);
    const live = await deployAndWait(name);
    expect(live.status).toBe("Live");
    await page.goto(`${baseUrl()}/apps/${name}/deployments/${live.id}`);
    await expect(page.getByText("Live", { exact: true }).first()).toBeVisible();
    expect(await page.content()).not.toContain(PRIVATE.password);
  });
});
