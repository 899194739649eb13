// Pure rendering of Wheelhouse's nginx site files: one file per app with its upstream (the app's
// healthy instances on this host) and its server block. The portal validates names and domains
// already; this file checks again, because whatever reaches here is written into nginx's
// configuration, and a stray `;`, `{` or newline would let one field rewrite it.
import { createHash } from "node:crypto";
import type { NginxSite } from "@wheelhouse/shared";
import { maintenancePage, unavailablePage } from "./pages";

/** Every file Wheelhouse owns in a sites directory matches this; nothing else there is touched. */
export const SITE_FILE_PATTERN = /^wheelhouse-[A-Za-z0-9_-]+\.conf$/;

/** The upstream of an app with no healthy instance: nginx answers 502 at once (our page via error_page). */
export const PLACEHOLDER_SERVER = "server 127.0.0.1:1 down;";

/** How long a client should wait before retrying an app in maintenance. */
export const MAINTENANCE_RETRY_AFTER_SECONDS = 300;

/** nginx reads one configuration token into a 4 KiB buffer; a longer `return` text is refused. */
const MAX_NGINX_STRING_BYTES = 4_000;

const DOMAIN = /^(\*\.)?[a-z0-9.-]+$/;
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface RenderOptions {
  /** The port every site's server block listens on. */
  listenPort: number;
}

/** Refuses, with a sentence naming the field, anything that is not safe to write into nginx's configuration. */
export function assertSafeSite(site: NginxSite): void {
  if (!APP_ID.test(site.appId)) throw new Error(`Refusing to render app id ${JSON.stringify(site.appId)}.`);
  if (!APP_NAME.test(site.appName)) {
    throw new Error(`Refusing to render app name ${JSON.stringify(site.appName)} (app ${site.appId}).`);
  }
  if (site.domains.length === 0) throw new Error(`App ${site.appName} has no domain to serve.`);
  for (const domain of site.domains) {
    if (domain.length > 253 || !DOMAIN.test(domain)) {
      throw new Error(
        `Refusing to render domain ${JSON.stringify(domain)} of app ${site.appName}: a domain is lower-case letters, digits, dots and dashes, optionally starting with *.`,
      );
    }
  }
  for (const { port } of site.upstreams) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`Refusing to render upstream port ${JSON.stringify(port)} of app ${site.appName}.`);
    }
  }
}

/**
 * A double-quoted nginx string holding HTML. Backslashes and quotes are escaped for nginx's parser;
 * `$` would start a variable in `return` text and nginx has no escape for it, so it becomes the
 * HTML entity (our pages have no `$` in CSS, where an entity would not work).
 */
export function nginxHtmlString(html: string): string {
  const escaped = html.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "&#36;");
  if (Buffer.byteLength(escaped) > MAX_NGINX_STRING_BYTES) {
    throw new Error(`A page of ${Buffer.byteLength(escaped)} bytes is too long for nginx's return directive.`);
  }
  return `"${escaped}"`;
}

export function siteFileName(site: Pick<NginxSite, "appId">): string {
  return `wheelhouse-${site.appId}.conf`;
}

/**
 * nginx compares upstream names without regard to case, and app ids may differ only in case; a
 * short hash of the exact id keeps two such apps apart.
 */
export function upstreamName(appId: string): string {
  const digest = createHash("sha256").update(appId).digest("hex").slice(0, 8);
  return `wheelhouse_${appId.toLowerCase().replace(/-/g, "_")}_${digest}`;
}

function header(site: NginxSite): string {
  return `# ${site.appName} (app ${site.appId}): written by wheelhouse-agent. Every apply replaces this file; edits are lost.\n`;
}

function serverStart(site: NginxSite, options: RenderOptions): string[] {
  const domains = [...new Set(site.domains)];
  return ["server {", `    listen ${options.listenPort};`, `    server_name ${domains.join(" ")};`];
}

function renderMaintenance(site: NginxSite, options: RenderOptions): string {
  return `${header(site)}
${serverStart(site, options).join("\n")}

    # Maintenance: nginx answers every request itself; the app is not contacted.
    location / {
        default_type text/html;
        add_header Retry-After ${MAINTENANCE_RETRY_AFTER_SECONDS} always;
        add_header Cache-Control "no-store" always;
        return 503 ${nginxHtmlString(maintenancePage(site.appName))};
    }
}
`;
}

function renderProxy(site: NginxSite, options: RenderOptions): string {
  const upstream = upstreamName(site.appId);
  const ports = [...new Set(site.upstreams.map(({ port }) => port))].sort((a, b) => a - b);
  const servers =
    ports.length === 0
      ? [`    ${PLACEHOLDER_SERVER}`]
      : [...ports.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`), "    keepalive 16;"];
  return `${header(site)}
upstream ${upstream} {
${servers.join("\n")}
}

${serverStart(site, options).join("\n")}

    location / {
        proxy_pass http://${upstream};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        # A dying instance is skipped: the request goes to the next one.
        proxy_next_upstream error timeout http_502;
        proxy_connect_timeout 5s;
    }

    # Only errors nginx makes itself (no instance answered) reach this page, not the app's own 502s.
    error_page 502 @wheelhouse_unavailable;
    location @wheelhouse_unavailable {
        default_type text/html;
        add_header Cache-Control "no-store" always;
        return 502 ${nginxHtmlString(unavailablePage(site.appName))};
    }
}
`;
}

export function renderSite(site: NginxSite, options: RenderOptions): string {
  assertSafeSite(site);
  return site.maintenance ? renderMaintenance(site, options) : renderProxy(site, options);
}

/** Every site's file, by file name, in name order. */
export function renderSites(sites: readonly NginxSite[], options: RenderOptions): Map<string, string> {
  const files = new Map<string, string>();
  for (const site of [...sites].sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0))) {
    const name = siteFileName(site);
    if (files.has(name)) throw new Error(`App ${site.appId} appears twice in the list of sites.`);
    files.set(name, renderSite(site, options));
  }
  return files;
}

/** sha256 over the files' names and contents, independent of the order they were given in. */
export function configHash(files: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const name of [...files.keys()].sort()) {
    hash
      .update(name)
      .update("\0")
      .update(files.get(name) ?? "")
      .update("\0");
  }
  return hash.digest("hex");
}
