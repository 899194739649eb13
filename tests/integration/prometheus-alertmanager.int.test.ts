// Alerts and metrics (issue 13 items 1 and 3) with the real Debian binaries: a portal, a host with a
// real agent, the Docker engine and its managed nginx, an app built like seed 000's framework (probes
// and metrics on port 9090), Prometheus discovering it through GET /api/v1/prometheus/targets, and
// Alertmanager posting alerts to POST /api/v1/signals/alertmanager. Both binaries run on exactly the
// configuration blocks Settings offers to paste (packages/shared/src/api/signals-api.ts).
import {
  type AppDetail,
  alertmanagerReceiverSnippet,
  type Deployment,
  type IncidentDetail,
  type IncidentSummary,
  type PrometheusTargetGroup,
  prometheusScrapeSnippet,
} from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  TEST_APP_METRIC,
  TEST_APP_PROBE_PORT,
  testAppImage,
} from "../support/docker.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { type MonitoringProcess, startAlertmanager, startPrometheus } from "../support/prometheus.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const APP = "metrics-shop";

let portal: Portal;
let rest: RestClient;
let host: TestHost;
let instance: AppDetail["instances"][number];
const started: MonitoringProcess[] = [];

interface CreatedToken {
  url: string;
  token: string;
  hookToken: { prefix: string };
}

async function createToken(kind: "signals" | "prometheus"): Promise<CreatedToken> {
  const created = await rest.call<CreatedToken>("POST", `/signals/tokens/${kind}`, {});
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return created.body;
}

async function deniedCount(action: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    portal.databaseUrl,
    `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE outcome = 'denied' AND action = $1`,
    [action],
  );
  return Number(rows[0]?.n);
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  await ensureTestAppImage("probes");
  host = await enrolHostWithNginx(admin, portal.url, "metrics-host");
  const made = await rest.call("POST", "/apps", {
    name: APP,
    image: testAppImage("probes"),
    pullPolicy: "never",
    port: 8080,
    environment: "production",
    hosts: [host.id],
    // Seed 000's layout: readiness and metrics on a probe port of their own.
    probePort: TEST_APP_PROBE_PORT,
    healthPath: "/ready",
    metricsPath: "/metrics",
  });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  const deploy = await rest.call<{ deployment: Deployment }>("POST", `/apps/${APP}/deployments`, {});
  const live = await waitForDeployment(rest, deploy.body.deployment.id);
  expect(live.status, live.failureReason ?? "").toBe("Live");
  const detail = await rest.call<{ app: AppDetail }>("GET", `/apps/${APP}`);
  const first = detail.body.app.instances.find((i) => i.status === "Healthy");
  if (!first) throw new Error(`no Healthy instance: ${JSON.stringify(detail.body)}`);
  instance = first;
}, 180_000);

afterAll(async () => {
  for (const process of started) await process.stop();
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
});

describe("Prometheus service discovery", () => {
  let token: CreatedToken;

  it("refuses discovery without the team's discovery token, and audits the refusal", async () => {
    token = await createToken("prometheus");
    expect(token.token).toMatch(/^whp_/);
    expect(token.url).toBe(`${portal.url}/api/v1/prometheus/targets`);
    const signalsToken = await createToken("signals");
    const before = await deniedCount("signals.prometheus.targets");
    for (const authorization of [undefined, "Bearer whp_not-a-real-token", `Bearer ${signalsToken.token}`]) {
      const res = await fetch(token.url, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/Settings → Alerts and metrics/);
    }
    // The first refusal from an address is written at once; repeats in its window are counted.
    expect(await deniedCount("signals.prometheus.targets")).toBe(before + 1);
  });

  it("lists the live instance with its labels and the host port that publishes its metrics", async () => {
    const res = await fetch(token.url, { headers: { authorization: `Bearer ${token.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const groups = (await res.json()) as PrometheusTargetGroup[];
    expect(instance.probeHostPort).not.toBeNull();
    expect(groups).toEqual([
      {
        targets: [`127.0.0.1:${instance.probeHostPort}`],
        labels: {
          __metrics_path__: "/metrics",
          app: APP,
          environment: "production",
          host: "metrics-host",
          release: String(instance.releaseNumber),
          instance: instance.id,
        },
      },
    ]);
  });

  it("is scraped by a real Prometheus through the http_sd_configs block Settings shows", async () => {
    const prometheus = await startPrometheus(
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        prometheusScrapeSnippet(token.url, token.token, "1s"),
      ]
        .join("\n")
        .concat("\n"),
    );
    started.push(prometheus);
    type Target = { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string };
    const target = await waitFor(
      async () => {
        const res = await fetch(`${prometheus.url}/api/v1/targets?state=active`);
        const body = (await res.json()) as { data: { activeTargets: Target[] } };
        return body.data.activeTargets.find((t) => t.labels.app === APP);
      },
      {
        what: "Prometheus to scrape the app's instance",
        timeoutMs: 30_000,
        intervalMs: 500,
        until: (t) => t?.health === "up",
      },
    );
    expect(target?.scrapeUrl).toBe(`http://127.0.0.1:${instance.probeHostPort}/metrics`);

    const [name, value] = TEST_APP_METRIC.split(" ");
    const sample = await waitFor(
      async () => {
        const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(name ?? "")}`);
        const body = (await res.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.data.result[0];
      },
      { what: `${name} in Prometheus`, timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(sample.metric).toMatchObject({
      __name__: name,
      app: APP,
      environment: "production",
      host: "metrics-host",
      release: String(instance.releaseNumber),
      instance: instance.id,
      job: "wheelhouse-apps",
    });
    expect(sample.value[1]).toBe(value);
  });
});

describe("Alertmanager receiver", () => {
  let token: CreatedToken;
  let alertmanager: MonitoringProcess;
  const ALERT = "ShopErrorRate";

  async function postAlert(endsAt?: string): Promise<void> {
    const res = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          labels: { alertname: ALERT, app: APP, severity: "critical" },
          annotations: { summary: "5% of the shop's requests fail" },
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          ...(endsAt ? { endsAt } : {}),
        },
      ]),
    });
    expect(res.status, await res.text()).toBe(200);
  }

  async function alertSignals(): Promise<{ state: string; outcome: string; incidentId: string | null }[]> {
    return sql(
      portal.databaseUrl,
      `SELECT state, outcome, "incidentId" FROM "Signal" WHERE kind = 'alert' ORDER BY "receivedAt"`,
    );
  }

  async function incidentsOfApp(): Promise<IncidentSummary[]> {
    const list = await rest.call<{ incidents: IncidentSummary[] }>("GET", `/incidents?status=all&app=${APP}`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    return list.body.incidents;
  }

  beforeAll(async () => {
    token = await createToken("signals");
    alertmanager = await startAlertmanager(
      [
        "route:",
        "  receiver: wheelhouse",
        "  group_by: [alertname, app]",
        "  group_wait: 1s",
        "  group_interval: 1s",
        "  repeat_interval: 2s",
        alertmanagerReceiverSnippet(token.url, token.token),
      ]
        .join("\n")
        .concat("\n"),
    );
    started.push(alertmanager);
  }, 60_000);

  it("refuses a webhook without the signal token, and answers a malformed body with the reason", async () => {
    expect(token.token).toMatch(/^whs_/);
    expect(token.url).toBe(`${portal.url}/api/v1/signals/alertmanager`);
    const before = await deniedCount("signals.alertmanager");
    const anonymous = await fetch(token.url, { method: "POST", body: "{}" });
    expect(anonymous.status).toBe(401);
    expect(await deniedCount("signals.alertmanager")).toBe(before + 1);

    const post = (body: string) =>
      fetch(token.url, {
        method: "POST",
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body,
      });
    const notJson = await post("alerts!");
    expect(notJson.status).toBe(400);
    const wrongVersion = await post(
      JSON.stringify({ version: "3", groupKey: "x", status: "firing", receiver: "r", alerts: [] }),
    );
    expect(wrongVersion.status).toBe(400);
    expect(((await wrongVersion.json()) as { error: { message: string } }).error.message).toMatch(
      /not an Alertmanager webhook body \(version 4\) at version/,
    );
    const tooBig = await post(JSON.stringify({ padding: "x".repeat(1024 * 1024) }));
    expect(tooBig.status).toBe(413);
    expect(await alertSignals()).toEqual([]);
  });

  it("opens one incident for an alert routed by Alertmanager; firing again adds to it; resolved adds a resolved entry", async () => {
    await postAlert();
    // repeat_interval 2 s: Alertmanager sends the same firing alert again, which must join the incident.
    const firing = await waitFor(alertSignals, {
      what: "the alert to reach the portal twice",
      timeoutMs: 30_000,
      intervalMs: 250,
      until: (signals) => signals.filter((s) => s.state === "firing").length >= 2,
    });
    expect(firing[0]?.outcome).toBe("opened");
    expect(firing.slice(1).every((s) => s.outcome === "deduplicated")).toBe(true);
    const incidentId = firing[0]?.incidentId;
    expect(incidentId).toBeTruthy();
    expect(firing.every((s) => s.incidentId === incidentId)).toBe(true);

    const incidents = await incidentsOfApp();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: incidentId, severity: "SEV1", app: APP, openedBy: "signal" });

    // Ending the alert: Alertmanager sends it resolved (send_resolved: true).
    await postAlert(new Date().toISOString());
    await waitFor(alertSignals, {
      what: "the resolved alert to reach the portal",
      timeoutMs: 30_000,
      intervalMs: 250,
      until: (signals) => signals.some((s) => s.state === "resolved"),
    });
    const detail = await rest.call<{ incident: IncidentDetail }>("GET", `/incidents/${incidentId}`);
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    const alertEntries = detail.body.incident.timeline.flatMap((entry) =>
      entry.kind === "signal" && entry.data.kind === "alert" ? [entry.data] : [],
    );
    expect(alertEntries.filter((data) => data.state === "firing").length).toBeGreaterThanOrEqual(1);
    expect(alertEntries.some((data) => data.state === "resolved")).toBe(true);
    expect(alertEntries[0]?.labels).toMatchObject({ alertname: ALERT, app: APP, severity: "critical" });
    // A resolved alert does not close the incident: a person does.
    expect(detail.body.incident.status).not.toBe("Resolved");
    expect(await incidentsOfApp()).toHaveLength(1);
  });
});
