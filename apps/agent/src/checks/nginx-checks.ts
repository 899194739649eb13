// nginx.test and nginx.upstream (seed sections "app live but 502", "routes 404"): whether nginx
// accepts its configuration, in its own words, and which servers the app's rendered upstream sends
// requests to. The placeholder server means no instance is healthy: nginx answers 502 at once.
import type { CheckParams } from "@wheelhouse/shared";
import { PLACEHOLDER_SERVER, siteFileName } from "../nginx/render-site";
import { type CheckContext, type CheckDraft, requireApp } from "./check-result";

export async function nginxTest(context: CheckContext, _params: CheckParams<"nginx.test">): Promise<CheckDraft> {
  const { ok, stderr } = await context.nginx.testConfiguration();
  const said = stderr.trim();
  const lines = said.split("\n").filter((line) => line.trim() !== "");
  // nginx prints the cause on an [emerg] line; the "test failed" line after it says nothing new.
  const cause = lines.find((line) => /\[(emerg|alert|crit)\]/.test(line)) ?? lines[0] ?? "no output";
  return ok
    ? {
        outcome: "pass",
        finding: `nginx accepts its configuration: ${lines.at(-1) ?? "test is successful"}`,
        output: said,
      }
    : { outcome: "fail", finding: `nginx refuses its configuration: ${cause}`, output: said, facts: { cause } };
}

export interface RenderedUpstream {
  maintenance: boolean;
  placeholder: boolean;
  /** host:port of each server line, in file order. */
  servers: string[];
}

/** Reads the upstream block of a site file render-site.ts wrote. */
export function parseRenderedUpstream(siteFile: string): RenderedUpstream {
  const block = /upstream\s+\S+\s*\{([^}]*)\}/.exec(siteFile)?.[1] ?? "";
  return {
    maintenance: block === "" && /return 503/.test(siteFile),
    placeholder: block.includes(PLACEHOLDER_SERVER),
    servers: [...block.matchAll(/^\s*server\s+(\S+?)(?:\s[^;]*)?;/gm)]
      .map((match) => match[1] ?? "")
      .filter((server) => server !== "" && !block.includes(`server ${server} down;`)),
  };
}

export async function nginxUpstream(
  context: CheckContext,
  _params: CheckParams<"nginx.upstream">,
): Promise<CheckDraft> {
  const app = requireApp(context, "nginx.upstream");
  const file = await context.nginx.liveSiteFile(app.appId);
  const name = siteFileName({ appId: app.appId });
  if (file === null)
    return {
      outcome: "fail",
      finding: `nginx on this host has no site for ${app.appName} (${name}): the app is not routed here, so its domains answer 404 or reach another site`,
      facts: { siteFile: name, servers: [] },
    };
  const upstream = parseRenderedUpstream(file);
  const facts = { siteFile: name, ...upstream };
  if (upstream.maintenance)
    return {
      outcome: "fail",
      finding: `${app.appName} is in maintenance: nginx answers 503 itself and sends nothing to the app`,
      output: file,
      facts,
    };
  if (upstream.placeholder || upstream.servers.length === 0)
    return {
      outcome: "fail",
      finding: `no healthy instance of ${app.appName}: nginx's upstream holds only the placeholder (${PLACEHOLDER_SERVER}), so the app is live but every request gets 502`,
      output: file,
      facts,
    };
  // Servers nginx sends to that no instance of this host publishes any more: a stale upstream.
  const published = new Set(
    app.instances.flatMap((instance) => (instance.hostPort === null ? [] : [`127.0.0.1:${instance.hostPort}`])),
  );
  const stale = app.instances.length > 0 ? upstream.servers.filter((server) => !published.has(server)) : [];
  if (stale.length > 0)
    return {
      outcome: "fail",
      finding: `nginx sends ${app.appName} to ${stale.join(", ")}, which no instance on this host publishes: the upstream is stale`,
      output: file,
      facts: { ...facts, stale },
    };
  return {
    outcome: "pass",
    finding: `nginx sends ${app.appName} to ${upstream.servers.length} instance${upstream.servers.length === 1 ? "" : "s"}: ${upstream.servers.join(", ")}`,
    output: file,
    facts,
  };
}
