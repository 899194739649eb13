// Domains are rows the database checks (docs/decisions/023-app-lists-as-tables.md): requests that
// race for one domain through the REST API end with exactly one app serving it, and the others are
// told which app that is. The old read-every-app-then-write check let both through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";

let portal: Portal;
let admin: ApiClient;
let rest: RestClient;

interface AppBody {
  app: { name: string; domains: string[]; hosts: { id: string; name: string }[] };
}

/** A host row through the enrolment endpoint: apps need one to be created on, no agent needs to run. */
function enrollHost(name: string): Promise<string> {
  return enrollHostRow(admin, portal.url, name);
}

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  await enrollHost("domains-host");
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await portal?.stop();
});

const newApp = (name: string, domains: string[], hosts = ["domains-host"]) => ({
  name,
  image: "registry.example/shop:1",
  port: 8080,
  domains,
  hosts,
});

describe("an app's domains", () => {
  it("two apps created at once with one domain: exactly one is created, the other is told which app serves it", async () => {
    // Several rounds: one pair of requests may happen not to overlap; three rarely all miss.
    for (const round of [1, 2, 3]) {
      const domain = `shop-${round}.example.com`;
      const names = [`shop-${round}-a`, `shop-${round}-b`];
      const results = await Promise.all(
        names.map((name) => rest.call<AppBody>("POST", "/apps", newApp(name, [domain]))),
      );

      const won = results.filter((result) => result.status === 200);
      const lost = results.filter((result) => result.status !== 200);
      expect(
        won.map((result) => result.status),
        JSON.stringify(results),
      ).toEqual([200]);
      const winner = won[0]?.body.app.name ?? "";
      expect(lost.map((result) => result.status)).toEqual([409]);
      expect(lost[0]?.body.message).toBe(`${domain} is already served by the app ${winner}.`);

      const loser = names.find((name) => name !== winner) ?? "";
      expect((await rest.call("GET", `/apps/${loser}`)).status).toBe(404);
      const rows = await sql<{ domain: string }>(
        portal.databaseUrl,
        `SELECT "domain" FROM "AppDomain" WHERE "domain" = $1`,
        [domain],
      );
      expect(rows).toHaveLength(1);
    }
  });

  it("refuses to change an app to a domain another app serves, and changes nothing", async () => {
    expect((await rest.call("POST", "/apps", newApp("cart", ["cart.example.com"]))).status).toBe(200);
    expect((await rest.call("POST", "/apps", newApp("checkout", ["checkout.example.com"]))).status).toBe(200);

    const refused = await rest.call("PATCH", "/apps/checkout", {
      domains: ["checkout.example.com", "cart.example.com"],
      image: "registry.example/shop:2",
    });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe("cart.example.com is already served by the app cart.");
    const checkout = await rest.call<AppBody>("GET", "/apps/checkout");
    expect(checkout.body.app.domains).toEqual(["checkout.example.com"]);
    expect(JSON.stringify(checkout.body)).toContain("registry.example/shop:1");
  });

  it("keeps the order a person gave, also when an app re-lists its own domain", async () => {
    const changed = await rest.call<AppBody>("PATCH", "/apps/cart", {
      domains: ["www.cart.example.com", "cart.example.com"],
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.app.domains).toEqual(["www.cart.example.com", "cart.example.com"]);
    const listed = await rest.call<{ apps: AppBody["app"][] }>("GET", "/apps");
    expect(listed.body.apps.find((app) => app.name === "cart")?.domains).toEqual([
      "www.cart.example.com",
      "cart.example.com",
    ]);
  });
});

describe("an app's hosts", () => {
  it("keep a revoked host on the app; re-enrolling its name replaces the host, which leaves the app's list", async () => {
    const spareId = await enrollHost("spare-host");
    const created = await rest.call<AppBody>("POST", "/apps", newApp("api", [], ["spare-host", "domains-host"]));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.app.hosts.map((h) => h.name)).toEqual(["spare-host", "domains-host"]);

    // Revoking keeps the host's row, so the app still names it (and a deploy says its agent is offline).
    expect((await admin.mutate("hosts.revoke", { hostId: spareId })).status).toBe(200);
    const afterRevoke = await rest.call<AppBody>("GET", "/apps/api");
    expect(afterRevoke.body.app.hosts.map((h) => h.name)).toEqual(["spare-host", "domains-host"]);

    // Re-enrolling the name deletes the revoked row; the foreign key takes it off the app's list. The
    // new machine runs nothing until someone chooses it.
    const newSpareId = await enrollHost("spare-host");
    const afterReenrol = await rest.call<AppBody>("GET", "/apps/api");
    expect(afterReenrol.body.app.hosts.map((h) => h.name)).toEqual(["domains-host"]);
    const chosen = await rest.call<AppBody>("PATCH", "/apps/api", { hosts: ["domains-host", "spare-host"] });
    expect(chosen.body.app.hosts).toEqual([
      { id: expect.any(String), name: "domains-host" },
      { id: newSpareId, name: "spare-host" },
    ]);
  });
});
