// What approvals.spec.ts sets up once: three people (an admin, an operator who asks, an approver
// who reviews), a host with a real agent, Docker and nginx, a production app with two releases
// (v1 then v2, so "roll back to release 1" has something to show), an open incident on it (whose
// timeline shows the requests), and a webhook receiver on loopback subscribed to approval events
// through `webhooks.create`. Plus the screenshot-and-axe helper for each page the spec visits.
import { expect, type Page } from "@playwright/test";
import { ApiClient } from "../support/api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { ensureTestAppImage, testAppImage } from "../support/docker.ts";
import { waitFor } from "../support/wait-for.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";
import { baseUrl } from "./helpers.ts";
import { shootAndCheck as checkScreens } from "./screens.ts";

export const APP = "appr-shop";
export const DOMAIN = "appr-shop.test";
export const SHOTS = "test-results/e2e/screens/approvals";

export const PEOPLE = {
  admin: { name: "Ari Admin", email: "ari.approvals@example.com", password: "ari admin password", role: "admin" },
  operator: { name: "Olga Ops", email: "olga.ops@example.com", password: "olga operator password", role: "operator" },
  approver: {
    name: "Pia Approver",
    email: "pia.approver@example.com",
    password: "pia approver password",
    role: "approver",
  },
} as const;

export interface ApprovalsWorld {
  host: TestHost;
  admin: ApiClient;
  operator: ApiClient;
  receiver: WebhookReceiver;
  /** Removed at the end: the specs share one portal, and notifications.spec.ts starts from none. */
  webhookId: string;
}

export async function signedIn(person: { email: string; password: string }): Promise<ApiClient> {
  const client = new ApiClient(baseUrl());
  const answer = await client.signIn(person.email, person.password);
  if (answer.status !== 200) throw new Error(`${person.email} cannot sign in: ${JSON.stringify(answer.error)}`);
  return client;
}

/**
 * Adds these people to the shared portal unless they can sign in already: foundation.spec.ts (run
 * first, see playwright.config.ts) made the founding admin, who adds them.
 */
export async function ensurePeople(
  people: readonly { name: string; email: string; password: string; role: string }[],
): Promise<void> {
  const founder = await signedIn({ email: "ada@example.com", password: "correct horse battery" });
  for (const person of people) {
    const client = new ApiClient(baseUrl());
    if ((await client.signIn(person.email, person.password)).status !== 200) {
      const made = await founder.mutate("users.create", person);
      if (made.status !== 200) throw new Error(JSON.stringify(made.error));
    }
  }
}

/** Deploys (the app's image or `image`) and waits until the deployment has finished Live. */
export async function deployLive(admin: ApiClient, image?: string, app: string = APP): Promise<void> {
  const started = await admin.mutate<{ deployment?: { id: string } }>("apps.deploy", {
    name: app,
    ...(image ? { image } : {}),
  });
  const id = started.data?.deployment?.id;
  if (!id) throw new Error(`deploy did not start: ${JSON.stringify(started.error ?? started.data)}`);
  await waitForDeployment(admin, id, "Live");
}

export async function waitForDeployment(client: ApiClient, id: string, status: "Live" | "Failed" = "Live") {
  const finished = await waitFor(
    async () =>
      (await client.query<{ deployment: { status: string } }>("apps.deployment", { id })).data?.deployment.status,
    { what: `deployment ${id} finishing`, timeoutMs: 90_000, until: (s) => s === "Live" || s === "Failed" },
  );
  expect(finished).toBe(status);
}

export async function setUpWorld(): Promise<ApprovalsWorld> {
  await Promise.all((["v1", "v2"] as const).map(ensureTestAppImage));
  await ensurePeople(Object.values(PEOPLE));
  const admin = await signedIn(PEOPLE.admin);
  const operator = await signedIn(PEOPLE.operator);
  const host = await enrolHostWithNginx(admin, baseUrl(), `approvals-host-${Date.now()}`);
  const receiver = new WebhookReceiver();
  try {
    await receiver.start();
    const hook = await admin.mutate<{ endpoint: { id: string }; secret: string }>("webhooks.create", {
      name: "approvals e2e",
      url: receiver.url,
      format: "generic",
      events: ["approval.requested", "approval.decided", "approval.break-glass"],
    });
    if (!hook.data) throw new Error(`webhooks.create: ${JSON.stringify(hook.error)}`);
    receiver.setSecret(hook.data.secret);
    const created = await admin.mutate("apps.create", {
      name: APP,
      environment: "production",
      image: testAppImage("v1"),
      // Built on this engine, in no registry: local images only.
      pullPolicy: "never",
      port: 8080,
      hosts: [host.id],
      domains: [DOMAIN],
    });
    if (created.status !== 200) throw new Error(JSON.stringify(created.error));
    await deployLive(admin);
    await deployLive(admin, testAppImage("v2"));
    const incident = await admin.mutate("incidents.open", {
      title: "Checkout double-charges",
      severity: "SEV2",
      app: APP,
    });
    if (incident.status !== 200) throw new Error(JSON.stringify(incident.error));
    return { host, admin, operator, receiver, webhookId: hook.data.endpoint.id };
  } catch (error) {
    await receiver.stop();
    await host.tearDown();
    throw error;
  }
}

export async function tearDownWorld(world: ApprovalsWorld | undefined): Promise<void> {
  if (world) {
    const removed = await world.admin.mutate("webhooks.delete", { id: world.webhookId });
    if (removed.status !== 200) throw new Error(`webhooks.delete: ${JSON.stringify(removed.error)}`);
  }
  await world?.receiver.stop();
  await world?.host.tearDown();
  await removeAppContainers();
}

/** Both themes' screenshots and axe's findings for the approvals pages (screens.ts). */
export function shootAndCheck(page: Page, name: string, dir: string = SHOTS): Promise<string[]> {
  return checkScreens(page, name, { dir });
}
