import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./env";

describe("parseConfig", () => {
  it("has working defaults: port 3000, SQLite under ./data", () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(resolve("./data"));
    expect(config.database).toEqual({
      kind: "sqlite",
      file: resolve("./data/wheelhouse.db"),
      url: `file:${resolve("./data/wheelhouse.db")}`,
    });
    expect(config.publicUrl).toBe("http://localhost:3000");
    // A default, not an address hosts can reach: install lines use the page's origin instead.
    expect(config.publicUrlConfigured).toBe(false);
    expect(config.bootstrapAdmin).toBeUndefined();
    expect(config.logLevel).toBe("info");
  });

  it("knows a PUBLIC_URL that was set, without its final slash", () => {
    const config = parseConfig({ PUBLIC_URL: "https://wheelhouse.example.com/" });
    expect(config.publicUrl).toBe("https://wheelhouse.example.com");
    expect(config.publicUrlConfigured).toBe(true);
  });

  it("takes PostgreSQL from a postgres:// or postgresql:// URL", () => {
    expect(parseConfig({ DATABASE_URL: "postgres://u:p@db:5432/wh" }).database).toEqual({
      kind: "postgresql",
      url: "postgres://u:p@db:5432/wh",
    });
    expect(parseConfig({ DATABASE_URL: "postgresql://u@db/wh" }).database.kind).toBe("postgresql");
  });

  it.each([
    ["PORT", "0", /PORT="0" is not valid: set PORT to a whole number between 1 and 65535/],
    ["PORT", "http", /PORT="http" is not valid/],
    ["DATABASE_URL", "mysql://x/y", /DATABASE_URL="mysql:\/\/x\/y" is not valid/],
    ["DATABASE_URL", "postgres://", /DATABASE_URL="postgres:\/\/" is not valid/],
    ["LOG_LEVEL", "verbose", /LOG_LEVEL="verbose" is not valid: set LOG_LEVEL to one of fatal, error/],
    ["PUBLIC_URL", "ftp://x", /PUBLIC_URL="ftp:\/\/x" is not valid/],
    ["SECRET_KEY", "abc", /SECRET_KEY="abc" is not valid: set SECRET_KEY to 64 hex characters/],
    [
      "TRUSTED_PROXIES",
      "proxy.example.com",
      /TRUSTED_PROXIES="proxy.example.com" is not valid: set TRUSTED_PROXIES to/,
    ],
    ["TRUSTED_PROXIES", "10.0.0.0/33", /TRUSTED_PROXIES="10.0.0.0\/33" is not valid/],
    ["TRUSTED_PROXIES", "127.0.0.1,,300.1.1.1", /TRUSTED_PROXIES="127.0.0.1,,300.1.1.1" is not valid/],
    ["TRUSTED_PROXIES", " , ", /TRUSTED_PROXIES=" , " is not valid/],
    [
      "METRICS_TOKEN",
      "short",
      /METRICS_TOKEN="short" is not valid: set METRICS_TOKEN to 16 to 512 printable characters/,
    ],
    ["METRICS_TOKEN", "has a space in the middle", /METRICS_TOKEN="has a space in the middle" is not valid/],
  ])("refuses %s=%s with a sentence naming it and the fix", (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });

  it("reads single sign-on from OIDC_*: issuer and client together, http only on loopback, a bad secret never echoed", () => {
    expect(parseConfig({}).oidc).toBeUndefined();
    expect(() => parseConfig({ OIDC_ISSUER_URL: "https://login.example.com" })).toThrow(/go together/);
    expect(() => parseConfig({ OIDC_ISSUER_URL: "http://login.example.com", OIDC_CLIENT_ID: "wh" })).toThrow(
      /OIDC_ISSUER_URL="http:\/\/login.example.com" is not valid/,
    );
    const tooLong = `s3cr3t-${"x".repeat(2_100)}`;
    expect(() => parseConfig({ OIDC_CLIENT_SECRET: tooLong })).toThrow(/OIDC_CLIENT_SECRET=\(hidden\) is not valid/);
    expect(() => parseConfig({ OIDC_CLIENT_SECRET: tooLong })).not.toThrow(/s3cr3t/);
    expect(
      parseConfig({
        OIDC_ISSUER_URL: "http://127.0.0.1:4000",
        OIDC_CLIENT_ID: "wh",
        OIDC_CLIENT_SECRET: "secret",
        OIDC_ALLOWED_DOMAINS: "Example.com, example.org",
        OIDC_DEFAULT_ROLE: "viewer",
      }).oidc,
    ).toEqual({
      issuerUrl: "http://127.0.0.1:4000",
      clientId: "wh",
      clientSecret: "secret",
      displayName: undefined,
      allowedDomains: ["example.com", "example.org"],
      defaultRole: "viewer",
    });
  });

  it("needs the bootstrap admin's email and password together, and lower-cases the email", () => {
    expect(() => parseConfig({ WHEELHOUSE_ADMIN_EMAIL: "a@example.com" })).toThrow(/go together/);
    expect(() => parseConfig({ WHEELHOUSE_ADMIN_EMAIL: "a@example.com", WHEELHOUSE_ADMIN_PASSWORD: "short" })).toThrow(
      /at least 12 characters/,
    );
    expect(
      parseConfig({ WHEELHOUSE_ADMIN_EMAIL: "A@Example.com", WHEELHOUSE_ADMIN_PASSWORD: "long enough pw" })
        .bootstrapAdmin,
    ).toEqual({
      email: "a@example.com",
      password: "long enough pw",
    });
  });

  it("treats an empty variable as unset", () => {
    expect(parseConfig({ PORT: "", DATABASE_URL: "" }).port).toBe(3000);
  });

  it("trusts no proxy by default, and exactly the listed addresses and ranges when TRUSTED_PROXIES is set", () => {
    const none = parseConfig({}).trustedProxies;
    expect(none("127.0.0.1", 0)).toBe(false);

    const trusted = parseConfig({ TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8,fd00::/8" }).trustedProxies;
    expect(trusted("127.0.0.1", 0)).toBe(true);
    expect(trusted("::ffff:127.0.0.1", 0)).toBe(true);
    expect(trusted("10.20.30.40", 1)).toBe(true);
    expect(trusted("fd00::5", 0)).toBe(true);
    expect(trusted("127.0.0.2", 0)).toBe(false);
    expect(trusted("203.0.113.7", 0)).toBe(false);
  });

  it("keeps METRICS_TOKEN when set, none by default", () => {
    expect(parseConfig({}).metricsToken).toBeUndefined();
    expect(parseConfig({ METRICS_TOKEN: "0123456789abcdef0123" }).metricsToken).toBe("0123456789abcdef0123");
  });

  it("reads SECOND_FACTOR_DEFAULT_ROLES (admins by default, none for nobody) and refuses unknown roles", () => {
    expect(parseConfig({}).secondFactorDefaultRoles).toEqual(["admin"]);
    expect(parseConfig({ SECOND_FACTOR_DEFAULT_ROLES: "none" }).secondFactorDefaultRoles).toEqual([]);
    expect(parseConfig({ SECOND_FACTOR_DEFAULT_ROLES: "approver, admin" }).secondFactorDefaultRoles).toEqual([
      "approver",
      "admin",
    ]);
    expect(() => parseConfig({ SECOND_FACTOR_DEFAULT_ROLES: "admins" })).toThrow(
      /SECOND_FACTOR_DEFAULT_ROLES=.*set SECOND_FACTOR_DEFAULT_ROLES to comma-separated roles/,
    );
  });
  it("reads WEBHOOK_RETRY_INITIAL_SECONDS (30 s by default) and refuses it outside 1..3600 with the fix", () => {
    expect(parseConfig({}).webhookRetryInitialMs).toBe(30_000);
    expect(parseConfig({ WEBHOOK_RETRY_INITIAL_SECONDS: "1" }).webhookRetryInitialMs).toBe(1_000);
    for (const value of ["0", "3601", "1.5", "soon"]) {
      expect(() => parseConfig({ WEBHOOK_RETRY_INITIAL_SECONDS: value })).toThrow(
        /WEBHOOK_RETRY_INITIAL_SECONDS=.*set WEBHOOK_RETRY_INITIAL_SECONDS to a whole number of seconds from 1 to 3600/,
      );
    }
  });
  it("reads the ACME defaults: Let's Encrypt production, an optional CA bundle path and contact, refused with the fix", () => {
    expect(parseConfig({}).acme).toEqual({
      directoryUrl: "https://acme-v02.api.letsencrypt.org/directory",
      caBundleFile: undefined,
      email: undefined,
    });
    const set = parseConfig({
      ACME_DIRECTORY_URL: "https://127.0.0.1:14000/dir",
      ACME_CA_BUNDLE: "/etc/pebble/ca.pem",
      ACME_EMAIL: "Ops@Example.com",
    });
    expect(set.acme).toEqual({
      directoryUrl: "https://127.0.0.1:14000/dir",
      caBundleFile: "/etc/pebble/ca.pem",
      email: "ops@example.com",
    });
    expect(() => parseConfig({ ACME_DIRECTORY_URL: "ftp://ca.example/dir" })).toThrow(
      /ACME_DIRECTORY_URL=.*set ACME_DIRECTORY_URL to the https URL of an ACME directory/,
    );
    expect(() => parseConfig({ ACME_EMAIL: "ops" })).toThrow(/ACME_EMAIL=.*set ACME_EMAIL to an email address/);
    expect(parseConfig({}).certRetryInitialMs).toBe(300_000);
    expect(() => parseConfig({ CERT_RETRY_INITIAL_SECONDS: "0" })).toThrow(/CERT_RETRY_INITIAL_SECONDS=/);
  });
});
