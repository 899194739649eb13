// What each host's nginx should serve, derived from the database: for every app on the host with a
// domain, the healthy instances of its live deployment there (or of a deployment being switched to).
// Applies go through one queue per host, so two deployments never interleave their switches.
import type { NginxSite } from "@wheelhouse/shared";
import { appInclude, toAppRecord } from "../apps/app-record";
import { servedCertificates } from "../certificates/served-certificates";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import type { AgentRegistry } from "../hosts/agent-registry";

/** Long enough for nginx -t and a reload on a busy host. */
const APPLY_TIMEOUT_MS = 60_000;

export class NginxSync {
  private readonly queues = new Map<string, Promise<unknown>>();
  /** appId → deploymentId whose healthy instances replace the live ones while it is being switched to. */
  private readonly switching = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly agents: AgentRegistry,
    /** Opens the sealed keys of the certificates the sites serve. */
    private readonly secrets: SecretBox,
  ) {}

  async desiredSites(hostId: string): Promise<NginxSite[]> {
    const host = await this.db.host.findUnique({ where: { id: hostId }, select: { teamId: true } });
    if (!host) return [];
    const rows = await this.db.app.findMany({
      where: { teamId: host.teamId, hosts: { some: { hostId } } },
      orderBy: { name: "asc" },
      include: appInclude,
    });
    const sites: NginxSite[] = [];
    const now = new Date();
    for (const app of rows.map(toAppRecord)) {
      if (app.domains.length === 0) continue;
      const deploymentId =
        this.switching.get(app.id) ??
        (await this.db.deployment.findFirst({ where: { appId: app.id, status: "Live" }, select: { id: true } }))?.id;
      const instances = deploymentId
        ? await this.db.containerInstance.findMany({
            where: { deploymentId, hostId, status: "Healthy", hostPort: { not: null } },
            orderBy: { createdAt: "asc" },
          })
        : [];
      sites.push({
        appId: app.id,
        appName: app.name,
        domains: app.domains,
        upstreams: instances.flatMap((instance) => (instance.hostPort ? [{ port: instance.hostPort }] : [])),
        maintenance: app.maintenance,
        tls: await servedCertificates(this.db, this.secrets, app.id, app.domains, now),
        httpsRedirect: app.httpsRedirect,
        hsts: app.hsts,
      });
    }
    return sites;
  }

  /** Renders and applies the host's desired state; nginx's own words on refusal. Serialised per host. */
  apply(hostId: string): Promise<{ reloaded: boolean; sites: number }> {
    const previous = this.queues.get(hostId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const sites = await this.desiredSites(hostId);
        if (sites.length === 0) {
          // A host without nginx (NGINX_MODE=off) is fine as long as no app there wants a domain.
          const status = await this.agents.command(hostId, "nginx.status", {});
          if (status.mode === "off") return { reloaded: false, sites: 0 };
        }
        const result = await this.agents.command(hostId, "nginx.apply", { sites }, { timeoutMs: APPLY_TIMEOUT_MS });
        return { reloaded: result.reloaded, sites: sites.length };
      });
    this.queues.set(hostId, next);
    next
      .finally(() => {
        if (this.queues.get(hostId) === next) this.queues.delete(hostId);
      })
      .catch(() => undefined);
    return next;
  }

  /** Points the app at `deploymentId`'s healthy instances on these hosts; the caller then marks it Live. */
  async switchTo(appId: string, deploymentId: string, hostIds: string[]): Promise<void> {
    this.switching.set(appId, deploymentId);
    try {
      for (const hostId of hostIds) await this.apply(hostId);
    } catch (error) {
      this.switching.delete(appId);
      // Put every host back on the live release; the agent has already restored its last good file.
      await Promise.allSettled(hostIds.map((hostId) => this.apply(hostId)));
      throw error;
    }
  }

  /** After the database says the deployment is Live, the override is no longer needed. */
  switched(appId: string): void {
    this.switching.delete(appId);
  }
}
