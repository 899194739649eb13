// Pure rendering of Wheelhouse's nginx site files: one file per app with its upstream (the app's
// healthy instances on this host) and its server block. The portal validates names and domains
// already; this file checks again, because whatever reaches here is written into nginx's
// configuration, and a stray `;`, `{` or newline would let one field rewrite it.
import { createHash } from "node:crypto";
import type { NginxSite, SiteCertificate } from "@wheelhouse/shared";
import { assertPlainPath } from "./main-config";
import { maintenancePage, unavailablePage, unknownHostPage } from "./pages";
import { assertPemShape, certificatePaths } from "./tls-files";

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
  /** The port every site's plain HTTP server block listens on. */
  listenPort: number;
  /** The port of the TLS server blocks of certified domains. */
  httpsPort: number;
  /** Where HTTP-01 answers live; every HTTP block serves /.well-known/acme-challenge/ from it. */
  acmeWebroot: string;
  /** Where certificate and key files live (see tls-files.ts for their names). */
  certsDir: string;
  /**
   * managed mode: add the HTTPS port's default server (unknown names refused) while any site has a
   * certificate. Not for the system nginx, whose port may have a default server of its own.
   */
  httpsDefaultServer: boolean;
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
  const seen = new Set<string>();
  for (const certificate of site.tls) {
    if (!site.domains.includes(certificate.domain)) {
      throw new Error(
        `App ${site.appName} has a certificate for ${JSON.stringify(certificate.domain)}, which is not one of its domains (${site.domains.join(", ")}).`,
      );
    }
    if (seen.has(certificate.domain))
      throw new Error(`App ${site.appName} has two certificates for ${certificate.domain}.`);
    seen.add(certificate.domain);
    assertPemShape(site.appName, certificate);
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

const HSTS_HEADER = '        add_header Strict-Transport-Security "max-age=31536000" always;';

/** First in every HTTP block, so an ACME server reaches its token in maintenance and behind the redirect too. */
function acmeLocation(webroot: string): string[] {
  return [
    "    # ACME HTTP-01 answers: static files the agent writes, one per token.",
    "    location ^~ /.well-known/acme-challenge/ {",
    `        alias ${webroot}/;`,
    "        default_type text/plain;",
    // Scanners ask for tokens that are not there; nginx would write an error line for each.
    "        log_not_found off;",
    "    }",
  ];
}

function upstreamBlock(site: NginxSite): string {
  const ports = [...new Set(site.upstreams.map(({ port }) => port))].sort((a, b) => a - b);
  const servers =
    ports.length === 0
      ? [`    ${PLACEHOLDER_SERVER}`]
      : [...ports.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`), "    keepalive 16;"];
  return [`upstream ${upstreamName(site.appId)} {`, ...servers, "}"].join("\n");
}

/**
 * `headers`: extra add_header lines (HSTS). nginx inherits add_header into a location only when the
 * location sets none itself, so each location that sets its own repeats them.
 */
function maintenanceLocations(site: NginxSite, headers: string[]): string[] {
  return [
    "    # Maintenance: nginx answers every request itself; the app is not contacted.",
    "    location / {",
    "        default_type text/html;",
    `        add_header Retry-After ${MAINTENANCE_RETRY_AFTER_SECONDS} always;`,
    '        add_header Cache-Control "no-store" always;',
    ...headers,
    `        return 503 ${nginxHtmlString(maintenancePage(site.appName))};`,
    "    }",
  ];
}

function proxyLocations(site: NginxSite, headers: string[]): string[] {
  return [
    "    location / {",
    `        proxy_pass http://${upstreamName(site.appId)};`,
    "        proxy_http_version 1.1;",
    '        proxy_set_header Connection "";',
    "        proxy_set_header Host $host;",
    "        proxy_set_header X-Real-IP $remote_addr;",
    "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "        proxy_set_header X-Forwarded-Proto $scheme;",
    "        # A dying instance is skipped: the request goes to the next one.",
    "        proxy_next_upstream error timeout http_502;",
    "        proxy_connect_timeout 5s;",
    ...headers,
    "    }",
    "",
    "    # Only errors nginx makes itself (no instance answered) reach this page, not the app's own 502s.",
    "    error_page 502 @wheelhouse_unavailable;",
    "    location @wheelhouse_unavailable {",
    "        default_type text/html;",
    '        add_header Cache-Control "no-store" always;',
    ...headers,
    `        return 502 ${nginxHtmlString(unavailablePage(site.appName))};`,
    "    }",
  ];
}

function redirectLocation(httpsPort: number): string[] {
  const port = httpsPort === 443 ? "" : `:${httpsPort}`;
  return ["    location / {", `        return 301 https://$host${port}$request_uri;`, "    }"];
}

function serverBlock(lines: string[]): string {
  return ["server {", ...lines, "}"].join("\n");
}

/**
 * The listen line of a certified site's server block; nginx-manager looks for it to tell whether
 * any site serves TLS. HTTP/2 for clients that offer it (ALPN): the `listen … http2` form is what
 * Debian 12's nginx 1.22 knows (1.25 prefers `http2 on;` and still accepts this with a warning).
 */
export function tlsListenLine(httpsPort: number): string {
  return `listen ${httpsPort} ssl http2;`;
}

function tlsBlock(site: NginxSite, certificate: SiteCertificate, options: RenderOptions, locations: string[]): string {
  const paths = certificatePaths(site.appId, certificate, options.certsDir);
  return serverBlock([
    `    ${tlsListenLine(options.httpsPort)}`,
    `    server_name ${certificate.domain};`,
    // The chain's hash makes a renewed certificate a different configuration: configHash changes and nginx reloads.
    `    # certificate sha256 ${paths.chainSha256}`,
    `    ssl_certificate ${paths.certificate};`,
    `    ssl_certificate_key ${paths.key};`,
    "    ssl_protocols TLSv1.2 TLSv1.3;",
    "",
    ...locations,
  ]);
}

export function renderSite(site: NginxSite, options: RenderOptions): string {
  assertSafeSite(site);
  assertPlainPath(options.acmeWebroot, "WHEELHOUSE_AGENT_CONFIG_DIR");
  assertPlainPath(options.certsDir, "WHEELHOUSE_AGENT_CONFIG_DIR");
  const domains = [...new Set(site.domains)];
  const certifiedDomains = new Set(site.tls.map(({ domain }) => domain));
  const locations = (headers: string[]) =>
    site.maintenance ? maintenanceLocations(site, headers) : proxyLocations(site, headers);
  const httpBlock = (names: string[], body: string[]) =>
    serverBlock([
      `    listen ${options.listenPort};`,
      `    server_name ${names.join(" ")};`,
      "",
      ...acmeLocation(options.acmeWebroot),
      "",
      ...body,
    ]);

  const blocks = site.maintenance ? [] : [upstreamBlock(site)];
  if (site.httpsRedirect && certifiedDomains.size > 0) {
    // Certified domains answer HTTP with the redirect; the others keep being served on HTTP.
    blocks.push(httpBlock([...certifiedDomains], redirectLocation(options.httpsPort)));
    const plain = domains.filter((domain) => !certifiedDomains.has(domain));
    if (plain.length > 0) blocks.push(httpBlock(plain, locations([])));
  } else {
    blocks.push(httpBlock(domains, locations([])));
  }
  for (const certificate of site.tls) {
    blocks.push(tlsBlock(site, certificate, options, locations(site.hsts ? [HSTS_HEADER] : [])));
  }
  return `${header(site)}\n${blocks.join("\n\n")}\n`;
}

/** Every site's file, by file name, in name order. */
/** The file of the HTTPS default server; its id is refused as an app id. */
export const HTTPS_DEFAULT_FILE = siteFileName({ appId: "0-https-default" });

/**
 * Without it nginx would make the first certified site the HTTPS port's default: a name no app
 * serves would get that app's certificate and pages. The HTTP port's default is in the main config;
 * this one lives among the sites because the port must stay closed until a certificate exists.
 */
function renderHttpsDefaultServer(httpsPort: number): string {
  return `# The HTTPS port's answer to a name no certified app serves: written by wheelhouse-agent.
server {
    listen ${httpsPort} ssl http2 default_server;
    server_name _;
    # No certificate to show for an unknown name: the handshake is refused.
    ssl_reject_handshake on;
    default_type text/html;
    add_header Cache-Control "no-store" always;
    return 404 ${nginxHtmlString(unknownHostPage())};
}
`;
}

export function renderSites(sites: readonly NginxSite[], options: RenderOptions): Map<string, string> {
  const files = new Map<string, string>();
  for (const site of [...sites].sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0))) {
    const name = siteFileName(site);
    if (files.has(name)) throw new Error(`App ${site.appId} appears twice in the list of sites.`);
    if (name === HTTPS_DEFAULT_FILE) throw new Error(`The app id ${site.appId} is reserved by the agent.`);
    files.set(name, renderSite(site, options));
  }
  if (options.httpsDefaultServer && sites.some((site) => site.tls.length > 0)) {
    files.set(HTTPS_DEFAULT_FILE, renderHttpsDefaultServer(options.httpsPort));
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
