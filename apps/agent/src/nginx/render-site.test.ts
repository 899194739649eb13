import type { NginxSite } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { managedLayout, renderMainConfig } from "./main-config";
import { escapeHtml } from "./pages";
import {
  configHash,
  nginxHtmlString,
  PLACEHOLDER_SERVER,
  renderSite,
  renderSites,
  siteFileName,
  upstreamName,
} from "./render-site";

const options = { listenPort: 8080 };

function site(overrides: Partial<NginxSite> = {}): NginxSite {
  return {
    appId: "app_1",
    appName: "billing-api",
    domains: ["billing.example.com", "*.billing.example.com"],
    upstreams: [{ port: 20002 }, { port: 20001 }],
    maintenance: false,
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
