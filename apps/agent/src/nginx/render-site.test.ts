import type { NginxSite, SiteCertificate } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { managedLayout, renderMainConfig } from "./main-config";
import { escapeHtml } from "./pages";
import {
  configHash,
  HTTPS_DEFAULT_FILE,
  nginxHtmlString,
  PLACEHOLDER_SERVER,
  renderSite,
  renderSites,
  siteFileName,
  upstreamName,
} from "./render-site";
import { certificateFiles } from "./tls-files";

const options = {
  listenPort: 8080,
  httpsPort: 8443,
  acmeWebroot: "/var/lib/wheelhouse/nginx/acme-challenge",
  certsDir: "/var/lib/wheelhouse/nginx/certs",
  httpsDefaultServer: false,
};

function site(overrides: Partial<NginxSite> = {}): NginxSite {
  return {
    appId: "app_1",
    appName: "billing-api",
    domains: ["billing.example.com", "*.billing.example.com"],
    upstreams: [{ port: 20002 }, { port: 20001 }],
    maintenance: false,
    tls: [],
    httpsRedirect: false,
    hsts: false,
    ...overrides,
  };
}

/** The lines of one block (`upstream …` or `server`), trimmed, without blank lines. */
function block(config: string, opening: string): string[] {
  const start = config.indexOf(`${opening} {`);
  expect(start, `no "${opening} {" in the rendered file`).toBeGreaterThanOrEqual(0);
  const end = config.indexOf("\n}", start);
  return config
    .slice(start, end + 2)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

describe("renderSite", () => {
  it("names an upstream of the app's instances on loopback and proxies the domains to it", () => {
    const config = renderSite(site(), options);
    const upstream = upstreamName("app_1");
    expect(block(config, `upstream ${upstream}`)).toEqual([
      `upstream ${upstream} {`,
      "server 127.0.0.1:20001 max_fails=1 fail_timeout=5s;",
      "server 127.0.0.1:20002 max_fails=1 fail_timeout=5s;",
      "keepalive 16;",
      "}",
    ]);
    const server = block(config, "server");
    expect(server).toContain("listen 8080;");
    expect(server).toContain("server_name billing.example.com *.billing.example.com;");
    expect(server).toContain(`proxy_pass http://${upstream};`);
    for (const header of [
      "proxy_set_header Host $host;",
      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
      "proxy_set_header X-Forwarded-Proto $scheme;",
      "proxy_set_header X-Real-IP $remote_addr;",
    ]) {
      expect(server).toContain(header);
    }
    expect(server).toContain("proxy_next_upstream error timeout http_502;");
    expect(server).toContain("error_page 502 @wheelhouse_unavailable;");
    expect(config).not.toContain("return 503");
  });

  it("holds exactly the placeholder when no instance is healthy, and serves the branded 502 page", () => {
    const config = renderSite(site({ upstreams: [] }), options);
    expect(block(config, `upstream ${upstreamName("app_1")}`)).toEqual([
      `upstream ${upstreamName("app_1")} {`,
      PLACEHOLDER_SERVER,
      "}",
    ]);
    expect(PLACEHOLDER_SERVER).toBe("server 127.0.0.1:1 down;");
    expect(config).toMatch(/location @wheelhouse_unavailable \{[^}]*return 502 "<!doctype html>/);
    expect(config).toContain("billing-api has no healthy instance right now");
  });

  it("answers 503 with Retry-After in maintenance and never proxies", () => {
    const config = renderSite(site({ maintenance: true }), options);
    expect(config).not.toContain("proxy_pass");
    expect(config).not.toContain("upstream ");
    expect(config).toContain("add_header Retry-After 300 always;");
    expect(config).toMatch(/return 503 "<!doctype html>[\s\S]*billing-api is down for maintenance/);
  });

  it("lists each domain and each port once", () => {
    const config = renderSite(
      site({ domains: ["a.example", "a.example"], upstreams: [{ port: 5 }, { port: 5 }] }),
      options,
    );
    expect(config).toContain("server_name a.example;");
    expect(config.match(/server 127\.0\.0\.1:5 /g)).toHaveLength(1);
  });

  it.each([
    ["a config injection", "example.com; include /etc/passwd"],
    ["a block", "example.com {"],
    ["a newline", "example.com\nserver_name evil.com"],
    ["upper case", "Example.com"],
    ["a wildcard in the middle", "a.*.example.com"],
    ["a space", "a example.com"],
    ["a quote", 'example.com"'],
    ["a variable", "$host"],
  ])("refuses a domain with %s", (_what, domain) => {
    expect(() => renderSite(site({ domains: [domain] }), options)).toThrow(/Refusing to render domain/);
  });

  it.each([
    ["appName", "billing;}"],
    ["appName", "billing\nlisten 80"],
    ["appName", "$host"],
    ["appId", "app 1"],
    ["appId", "../../etc/passwd"],
  ] as const)("refuses an unsafe %s %j", (field, value) => {
    expect(() => renderSite(site({ [field]: value }), options)).toThrow(/Refusing to render app/);
  });

  it("refuses a site without a domain and a port out of range", () => {
    expect(() => renderSite(site({ domains: [] }), options)).toThrow(/no domain/);
    expect(() => renderSite(site({ upstreams: [{ port: 70_000 }] }), options)).toThrow(/upstream port/);
  });
});

/** A PEM-shaped certificate and key: the renderer checks only the shape; nginx -t checks the rest. */
function certificate(domain: string, body = "MIIBfake"): SiteCertificate {
  return {
    domain,
    fullChainPem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
    keyPem: "-----BEGIN PRIVATE KEY-----\nMIIEfakekey\n-----END PRIVATE KEY-----\n",
  };
}

/** Every `server { … }` block of a rendered file, as text. */
function serverBlocks(config: string): string[] {
  return [...config.matchAll(/^server \{\n[\s\S]*?\n\}$/gm)].map((match) => match[0]);
}

const ACME_LOCATION = [
  "location ^~ /.well-known/acme-challenge/ {",
  "alias /var/lib/wheelhouse/nginx/acme-challenge/;",
  "default_type text/plain;",
  "log_not_found off;",
  "}",
];

/** The lines of a server block from its first `location` on. */
function locationsOf(server: string): string[] {
  const lines = server.split("\n").map((line) => line.trim());
  return lines.slice(lines.findIndex((line) => line.startsWith("location")));
}

describe("renderSite with ACME answers and TLS", () => {
  const shop = (overrides: Partial<NginxSite> = {}) =>
    site({ domains: ["shop.test", "*.shop.test", "plain.test"], tls: [certificate("shop.test")], ...overrides });

  it.each([
    ["proxying", {}],
    ["in maintenance", { maintenance: true }],
    ["with no healthy instance", { upstreams: [] }],
  ])("serves the challenge directory first in the HTTP block when %s", (_what, overrides) => {
    const [http, ...others] = serverBlocks(renderSite(site(overrides), options));
    expect(others).toEqual([]);
    expect(locationsOf(http ?? "").slice(0, ACME_LOCATION.length)).toEqual(ACME_LOCATION);
  });

  it("adds one TLS block per certified domain, with the same locations as HTTP, and no challenge there", () => {
    const config = renderSite(shop({ tls: [certificate("shop.test"), certificate("*.shop.test")] }), options);
    const [http, tlsShop, tlsWildcard, extra] = serverBlocks(config);
    expect(extra).toBeUndefined();
    expect(http).toContain("server_name shop.test *.shop.test plain.test;");
    expect(http).toContain("listen 8080;");
    for (const [block, domain] of [
      [tlsShop, "shop.test"],
      [tlsWildcard, "*.shop.test"],
    ] as const) {
      const lines = (block ?? "").split("\n").map((line) => line.trim());
      expect(lines).toContain("listen 8443 ssl http2;");
      expect(lines).toContain(`server_name ${domain};`);
      expect(lines).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
      const files = lines.filter((line) => line.startsWith("ssl_certificate"));
      expect(files).toEqual([
        expect.stringMatching(
          /^ssl_certificate \/var\/lib\/wheelhouse\/nginx\/certs\/app_1-[0-9a-f]{16}-[0-9a-f]{16}\.crt;$/,
        ),
        expect.stringMatching(
          /^ssl_certificate_key \/var\/lib\/wheelhouse\/nginx\/certs\/app_1-[0-9a-f]{16}-[0-9a-f]{16}\.key;$/,
        ),
      ]);
      // The raw domain never names a file: a wildcard's `*` has no place in a path.
      expect(files.join(" ")).not.toMatch(/shop\.test/);
      // The HTTP block's locations after the challenge and the blank line that follows it.
      expect(locationsOf(block ?? "")).toEqual(locationsOf(http ?? "").slice(ACME_LOCATION.length + 1));
      expect(block).not.toContain("Strict-Transport-Security");
    }
    expect(tlsShop).not.toBe(tlsWildcard);
  });

  it("redirects the certified domains' HTTP to HTTPS except the challenge, and keeps serving the others", () => {
    const [redirect, plain, tls] = serverBlocks(renderSite(shop({ httpsRedirect: true }), options));
    expect(redirect).toContain("server_name shop.test;");
    expect(locationsOf(redirect ?? "")).toEqual([
      ...ACME_LOCATION,
      "",
      "location / {",
      "return 301 https://$host:8443$request_uri;",
      "}",
      "}",
    ]);
    expect(plain).toContain("server_name *.shop.test plain.test;");
    expect(plain).toContain("proxy_pass");
    expect(locationsOf(plain ?? "").slice(0, ACME_LOCATION.length)).toEqual(ACME_LOCATION);
    expect(tls).toContain("listen 8443 ssl http2;");
    expect(tls).toContain("proxy_pass");
  });

  it("leaves the port out of the redirect when HTTPS is on 443, and needs no plain block when every domain is certified", () => {
    const config = renderSite(
      site({ domains: ["shop.test"], tls: [certificate("shop.test")], httpsRedirect: true, maintenance: true }),
      { ...options, httpsPort: 443 },
    );
    const [redirect, tls, extra] = serverBlocks(config);
    expect(redirect).toContain("return 301 https://$host$request_uri;");
    expect(tls).toContain("listen 443 ssl http2;");
    expect(tls).toContain("return 503");
    expect(extra).toBeUndefined();
  });

  it("sends HSTS from every location of the TLS blocks, never on plain HTTP", () => {
    for (const overrides of [{}, { maintenance: true }]) {
      const [http, tls] = serverBlocks(renderSite(shop({ hsts: true, ...overrides }), options));
      expect(http).not.toContain("Strict-Transport-Security");
      const locations = (tls ?? "").split(/\n {4}location /).slice(1);
      expect(locations.length).toBeGreaterThan(0);
      for (const location of locations) {
        expect(location).toContain('add_header Strict-Transport-Security "max-age=31536000" always;');
      }
    }
  });

  it("refuses a certificate for a domain the site does not serve", () => {
    expect(() => renderSite(shop({ tls: [certificate("other.test")] }), options)).toThrow(
      'App billing-api has a certificate for "other.test", which is not one of its domains (shop.test, *.shop.test, plain.test).',
    );
  });

  it("refuses PEM text that is no certificate or no unencrypted key, and two certificates for one domain", () => {
    const bad = { ...certificate("shop.test"), fullChainPem: "not a certificate" };
    expect(() => renderSite(shop({ tls: [bad] }), options)).toThrow(/no PEM "BEGIN CERTIFICATE" block/);
    const encrypted = {
      ...certificate("shop.test"),
      keyPem: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE\n-----END ENCRYPTED PRIVATE KEY-----\n",
    };
    expect(() => renderSite(shop({ tls: [encrypted] }), options)).toThrow(/no unencrypted PEM private key/);
    expect(() => renderSite(shop({ tls: [certificate("shop.test"), certificate("shop.test")] }), options)).toThrow(
      /two certificates for shop\.test/,
    );
  });

  it("refuses a webroot or certificate directory nginx's configuration cannot hold", () => {
    expect(() => renderSite(site(), { ...options, acmeWebroot: "/tmp/a b;" })).toThrow(/cannot hold safely/);
    expect(() => renderSite(shop(), { ...options, certsDir: '/tmp/"certs' })).toThrow(/cannot hold safely/);
  });

  it("changes configHash when only the certificate changes, so a renewal reloads nginx", () => {
    const before = configHash(renderSites([shop()], options));
    expect(configHash(renderSites([shop()], options))).toBe(before);
    const renewed = configHash(renderSites([shop({ tls: [certificate("shop.test", "MIIBrenewed")] })], options));
    expect(renewed).not.toBe(before);
  });
});

describe("the HTTPS default server", () => {
  const certified = site({ appId: "b", domains: ["shop.test"], tls: [certificate("shop.test")] });
  const managed = { ...options, httpsDefaultServer: true };

  it("refuses unknown names on the HTTPS port, in managed mode and only while a site has a certificate", () => {
    const files = renderSites([site({ appId: "a" }), certified], managed);
    expect([...files.keys()]).toEqual(["wheelhouse-a.conf", "wheelhouse-b.conf", HTTPS_DEFAULT_FILE]);
    const lines = block(files.get(HTTPS_DEFAULT_FILE) ?? "", "server");
    expect(lines).toContain("listen 8443 ssl http2 default_server;");
    expect(lines).toContain("ssl_reject_handshake on;");
    expect(lines.join("\n")).toMatch(/return 404 "<!doctype html>[\s\S]*No app at this address/);
    expect(renderSites([site({ appId: "a" })], managed).has(HTTPS_DEFAULT_FILE)).toBe(false);
    expect(renderSites([certified], options).has(HTTPS_DEFAULT_FILE)).toBe(false);
  });

  it("refuses an app whose id would take the default server's file", () => {
    expect(() => renderSites([site({ appId: "0-https-default" })], managed)).toThrow(/reserved/);
  });
});

describe("certificateFiles", () => {
  it("writes the chain 0644 and the key 0600 under the names the configuration references", () => {
    const served = site({ domains: ["shop.test"], tls: [certificate("shop.test")] });
    const files = certificateFiles([served]);
    const config = renderSite(served, options);
    expect([...files.values()].map(({ mode }) => mode).sort()).toEqual([0o600, 0o644]);
    for (const [name, { content, mode }] of files) {
      expect(config).toContain(`${options.certsDir}/${name};`);
      expect(content).toContain(mode === 0o600 ? "BEGIN PRIVATE KEY" : "BEGIN CERTIFICATE");
    }
  });
});

describe("pages in nginx strings", () => {
  it("escapes what nginx's parser or HTML would read as syntax", () => {
    expect(nginxHtmlString('a "b" \\ $host')).toBe('"a \\"b\\" \\\\ &#36;host"');
    expect(escapeHtml(`<script>"'&`)).toBe("&lt;script&gt;&quot;&#39;&amp;");
  });

  it("fits nginx's 4 KiB token limit with the longest app name", () => {
    const longest = `a${"b".repeat(63)}`;
    expect(() => renderSite(site({ appName: longest }), options)).not.toThrow();
    expect(() => renderSite(site({ appName: longest, maintenance: true }), options)).not.toThrow();
    expect(() => nginxHtmlString("x".repeat(5_000))).toThrow(/too long/);
  });
});

describe("renderSites and configHash", () => {
  it("writes one file per app, keyed by its id", () => {
    const files = renderSites([site({ appId: "b" }), site({ appId: "a", appName: "web" })], options);
    expect([...files.keys()]).toEqual(["wheelhouse-a.conf", "wheelhouse-b.conf"]);
    expect(siteFileName({ appId: "a" })).toBe("wheelhouse-a.conf");
  });

  it("refuses the same app twice", () => {
    expect(() => renderSites([site(), site()], options)).toThrow(/appears twice/);
  });

  it("keeps apps whose ids differ only in case apart (nginx's upstream names ignore case)", () => {
    expect(upstreamName("Abc").toLowerCase()).not.toBe(upstreamName("abc").toLowerCase());
  });

  it("hashes the rendered files independently of the order of the sites", () => {
    const one = configHash(renderSites([site({ appId: "a" }), site({ appId: "b" })], options));
    const two = configHash(renderSites([site({ appId: "b" }), site({ appId: "a" })], options));
    expect(one).toBe(two);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash(renderSites([site({ appId: "a" })], options))).not.toBe(one);
    expect(configHash(renderSites([site({ appId: "a", maintenance: true }), site({ appId: "b" })], options))).not.toBe(
      one,
    );
  });
});

describe("renderMainConfig", () => {
  const layout = managedLayout("/var/lib/wheelhouse-test/nginx");

  it("keeps pid, logs and temp paths inside the prefix and answers unknown hosts with 404", () => {
    const config = renderMainConfig(layout, { httpPort: 18080, workerUser: { user: "nobody", group: "nogroup" } });
    expect(config).toContain("user nobody nogroup;");
    expect(config).toContain("daemon on;");
    expect(config).toContain("pid /var/lib/wheelhouse-test/nginx/run/nginx.pid;");
    for (const path of config.match(/(?:_temp_path|error_log|pid) (\S+)/g) ?? []) {
      expect(path).toContain("/var/lib/wheelhouse-test/nginx/");
    }
    expect(config.match(/_temp_path /g)).toHaveLength(5);
    expect(config).toContain("listen 18080 default_server;");
    expect(config).toMatch(/return 404 "<!doctype html>[\s\S]*No app at this address/);
    expect(config).toContain("include /var/lib/wheelhouse-test/nginx/sites/*.conf;");
    expect(config).not.toMatch(/listen \d+ ssl/);
  });

  it("leaves the user directive out when not root", () => {
    expect(renderMainConfig(layout, { httpPort: 18080, workerUser: null })).not.toContain("user ");
  });

  it("refuses a prefix nginx's configuration cannot hold", () => {
    expect(() => renderMainConfig(managedLayout("/tmp/a b;"), { httpPort: 1, workerUser: null })).toThrow(
      /cannot hold safely/,
    );
  });
});
