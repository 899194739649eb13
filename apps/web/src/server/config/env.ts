// Every setting of the portal, validated once at start-up. Nothing else reads process.env.
// A bad value stops the process with a sentence that names the setting and the fix.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  emailDomainSchema,
  isAllowedIssuerUrl,
  LETS_ENCRYPT_PRODUCTION,
  LETS_ENCRYPT_STAGING,
  ROLES,
  type Role,
} from "@wheelhouse/shared";
import { z } from "zod";
import { compileTrustedProxies, type TrustedProxies } from "../http/client-address";

/** The repository's runbooks/ folder, found from this file (apps/web/src/server/config/). */
const DEFAULT_RUNBOOKS_DIR = fileURLToPath(new URL("../../../../../runbooks/", import.meta.url));

/** The default ACME directory: certificates browsers trust. Staging is for trying things out. */

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function isDatabaseUrl(value: string): boolean {
  if (value.startsWith("file:")) return value.length > "file:".length;
  try {
    const url = new URL(value);
    return (
      (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "" && url.pathname.length > 1
    );
  } catch {
    return false;
  }
}

/** TRUSTED_PROXIES as a list: comma-separated, blanks around entries ignored. */
function proxyList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

function isProxyList(list: string[]): boolean {
  if (list.length === 0 || list.length > 100) return false;
  try {
    compileTrustedProxies(list);
    return true;
  } catch {
    return false;
  }
}

/** Each setting: its schema, and the sentence shown when its value is refused. */
const settings = {
  PORT: {
    schema: z.coerce.number().int().min(1).max(65535).default(3000),
    describe: "TCP port the portal listens on (default 3000).",
    fix: "set PORT to a whole number between 1 and 65535, e.g. PORT=3000",
  },
  HOST: {
    schema: z.string().min(1).default("0.0.0.0"),
    describe: "Address the portal binds to (default 0.0.0.0, every interface).",
    fix: "set HOST to an IP address of this machine, e.g. HOST=127.0.0.1",
  },
  DATA_DIR: {
    schema: z.string().min(1).default("./data"),
    describe: "Folder for the SQLite database, the generated secret key and recordings (default ./data).",
    fix: "set DATA_DIR to a folder the portal may write to",
  },
  DATABASE_URL: {
    schema: z.string().refine(isDatabaseUrl).optional(),
    describe: "file:PATH for SQLite (default file:DATA_DIR/wheelhouse.db) or postgres://user:pass@host:5432/db.",
    fix: "set DATABASE_URL to file:./data/wheelhouse.db or postgres://USER:PASSWORD@HOST:5432/DATABASE, or unset it",
  },
  LOG_LEVEL: {
    schema: z.enum(logLevels).default("info"),
    describe: `Least level logged: ${logLevels.join(", ")} (default info).`,
    fix: `set LOG_LEVEL to one of ${logLevels.join(", ")}`,
  },
  PUBLIC_URL: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    describe:
      "The address people use to reach the portal (default http://localhost:PORT). Used for links and Origin checks.",
    fix: "set PUBLIC_URL to the http(s) address people open, e.g. https://wheelhouse.example.com",
  },
  SECRET_KEY: {
    schema: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/)
      .optional(),
    describe:
      "64 hex characters (32 bytes) that encrypt secrets at rest; generated into DATA_DIR/secret.key when unset.",
    fix: "set SECRET_KEY to 64 hex characters (e.g. the output of `openssl rand -hex 32`), or unset it to use DATA_DIR/secret.key",
  },
  WHEELHOUSE_ADMIN_EMAIL: {
    schema: z.email().optional(),
    describe: "With WHEELHOUSE_ADMIN_PASSWORD: creates the first admin at start-up when none exists.",
    fix: "set WHEELHOUSE_ADMIN_EMAIL to an email address, e.g. admin@example.com",
  },
  WHEELHOUSE_ADMIN_PASSWORD: {
    schema: z.string().min(12).optional(),
    describe: "Password of the first admin created from WHEELHOUSE_ADMIN_EMAIL (at least 12 characters).",
    fix: "set WHEELHOUSE_ADMIN_PASSWORD to at least 12 characters",
  },
  WHEELHOUSE_LOCAL_AGENT_TOKEN_FILE: {
    schema: z.string().min(1).optional(),
    describe:
      "Set by npm start: where to write a one-time enrolment token for this machine's agent once a team exists.",
    fix: "set WHEELHOUSE_LOCAL_AGENT_TOKEN_FILE to a file path, or unset it",
  },
  TERMINAL_IDLE_MINUTES: {
    schema: z.coerce
      .number()
      .positive()
      .max(24 * 60)
      .default(15),
    describe: "A browser shell without input for this long is closed (default 15 minutes).",
    fix: "set TERMINAL_IDLE_MINUTES to a number of minutes above 0, e.g. TERMINAL_IDLE_MINUTES=15",
  },
  TERMINAL_GRACE_SECONDS: {
    schema: z.coerce.number().min(0).max(3_600).default(60),
    describe:
      "How long a shell waits for its browser to come back (reload, lost network) before it closes (default 60).",
    fix: "set TERMINAL_GRACE_SECONDS to a number of seconds from 0 to 3600, e.g. TERMINAL_GRACE_SECONDS=60",
  },
  TERMINAL_RECORDING_MAX_MB: {
    schema: z.coerce.number().positive().max(1_024).default(16),
    describe: "Size limit of one shell recording in DATA_DIR/recordings; past it recording stops (default 16 MB).",
    fix: "set TERMINAL_RECORDING_MAX_MB to a number of megabytes above 0, e.g. TERMINAL_RECORDING_MAX_MB=16",
  },
  TRUSTED_PROXIES: {
    schema: z.string().max(4_096).transform(proxyList).refine(isProxyList).optional(),
    describe:
      "Comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed (default none).",
    fix: "set TRUSTED_PROXIES to comma-separated IP addresses or CIDR ranges of your reverse proxies (at most 100), e.g. TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8, or unset it",
  },
  METRICS_TOKEN: {
    schema: z
      .string()
      .regex(/^[\x21-\x7e]{16,512}$/)
      .optional(),
    describe: "When set, /metrics answers only `Authorization: Bearer <this token>` (default: /metrics is open).",
    fix: "set METRICS_TOKEN to 16 to 512 printable characters without spaces (e.g. the output of `openssl rand -hex 32`), or unset it",
  },
  AGENT_BUNDLE_DIR: {
    schema: z.string().min(1).max(4_096).optional(),
    describe:
      "Folder holding the built agent bundle that /install/* serves (default: apps/agent/dist of this checkout, made by npm run build).",
    fix: "set AGENT_BUNDLE_DIR to the folder that `npm run build` wrote the agent bundle to, or unset it",
  },
  RUNBOOKS_DIR: {
    schema: z.string().min(1).max(4_096).optional(),
    describe: "Folder of the built-in runbook library, one *.yaml per runbook (default: runbooks/ of this checkout).",
    fix: "set RUNBOOKS_DIR to the folder holding the runbook *.yaml files, or unset it",
  },
  ACME_DIRECTORY_URL: {
    schema: z
      .url({ protocol: /^https?$/ })
      .max(2_048)
      .default(LETS_ENCRYPT_PRODUCTION),
    describe: `The ACME directory certificates are ordered from, until an admin picks one on Settings (default Let's Encrypt production; staging is ${LETS_ENCRYPT_STAGING}).`,
    fix: `set ACME_DIRECTORY_URL to the https URL of an ACME directory, e.g. ${LETS_ENCRYPT_STAGING}`,
  },
  ACME_CA_BUNDLE: {
    schema: z.string().min(1).max(4_096).optional(),
    describe:
      "A PEM file of CA certificates trusted, besides the system's, for a private ACME server's own HTTPS (default none).",
    fix: "set ACME_CA_BUNDLE to the path of a PEM file holding the ACME server's CA certificate, or unset it",
  },
  ACME_EMAIL: {
    schema: z.email().max(254).optional(),
    describe: "The contact address of the portal's ACME account: expiry warnings from the CA go there (default none).",
    fix: "set ACME_EMAIL to an email address, e.g. ACME_EMAIL=ops@example.com, or unset it",
  },
  CERT_RETRY_INITIAL_SECONDS: {
    schema: z.coerce.number().int().min(1).max(86_400).default(300),
    describe:
      "Delay before a failed certificate order is retried; it doubles each time, up to 1 day, and never comes before the CA's Retry-After (default 300).",
    fix: "set CERT_RETRY_INITIAL_SECONDS to a whole number of seconds from 1 to 86400, e.g. CERT_RETRY_INITIAL_SECONDS=300",
  },
  WEBHOOK_RETRY_INITIAL_SECONDS: {
    schema: z.coerce.number().int().min(1).max(3_600).default(30),
    describe:
      "Delay before a failed webhook delivery's first retry; it doubles each time, up to 1 hour, for 24 hours (default 30).",
    fix: "set WEBHOOK_RETRY_INITIAL_SECONDS to a whole number of seconds from 1 to 3600, e.g. WEBHOOK_RETRY_INITIAL_SECONDS=30",
  },
  OIDC_ISSUER_URL: {
    schema: z.string().max(2_048).refine(isAllowedIssuerUrl).optional(),
    describe:
      "Single sign-on: the OpenID Connect provider's issuer URL, until an admin saves SSO settings on Settings (default: no SSO).",
    fix: "set OIDC_ISSUER_URL to the provider's https issuer URL (http only on 127.0.0.1 or localhost), e.g. https://login.example.com/realms/ops, or unset it",
  },
  OIDC_CLIENT_ID: {
    schema: z.string().min(1).max(512).optional(),
    describe: "With OIDC_ISSUER_URL: the client id registered at the provider.",
    fix: "set OIDC_CLIENT_ID to the client id the provider gave (1 to 512 characters), or unset it",
  },
  OIDC_CLIENT_SECRET: {
    schema: z.string().min(1).max(2_048).optional(),
    describe: "With OIDC_ISSUER_URL: the client's secret (unset for a public client, which PKCE still protects).",
    fix: "set OIDC_CLIENT_SECRET to the client secret the provider gave (at most 2048 characters), or unset it",
  },
  OIDC_DISPLAY_NAME: {
    schema: z.string().trim().min(1).max(60).optional(),
    describe: 'The provider\'s name on the sign-in button, "Sign in with <name>" (default: single sign-on).',
    fix: "set OIDC_DISPLAY_NAME to 1 to 60 characters, e.g. OIDC_DISPLAY_NAME=Okta, or unset it",
  },
  OIDC_ALLOWED_DOMAINS: {
    schema: z.string().max(4_096).transform(proxyList).pipe(z.array(emailDomainSchema).max(50)).optional(),
    describe: "Comma-separated email domains that may sign in with SSO from the environment (default: any).",
    fix: "set OIDC_ALLOWED_DOMAINS to comma-separated domain names (at most 50), e.g. OIDC_ALLOWED_DOMAINS=example.com,example.org, or unset it",
  },
  OIDC_DEFAULT_ROLE: {
    schema: z.enum(ROLES).optional(),
    describe:
      "The role a person signing in with SSO from the environment gets (no group mapping there); unset: nobody gets in until an admin maps groups on Settings.",
    fix: `set OIDC_DEFAULT_ROLE to one of ${ROLES.join(", ")}, or unset it`,
  },
  SECOND_FACTOR_DEFAULT_ROLES: {
    schema: z
      .string()
      .max(200)
      .transform((value) => (value.trim() === "none" ? [] : proxyList(value)))
      .pipe(z.array(z.enum(ROLES)).max(ROLES.length))
      .default(["admin"]),
    describe:
      "Roles that must use a second factor in a team whose admins have not chosen on Settings (default admin; none: nobody).",
    fix: `set SECOND_FACTOR_DEFAULT_ROLES to comma-separated roles (${ROLES.join(", ")}) or none, e.g. SECOND_FACTOR_DEFAULT_ROLES=admin`,
  },
  NODE_ENV: {
    schema: z.enum(["production", "development", "test"]).default("production"),
    describe: "development serves the UI through Next.js's dev server with hot reload (default production).",
    fix: "set NODE_ENV to production or development",
  },
} as const;

type Settings = typeof settings;
export type RawEnv = { [K in keyof Settings]: z.output<Settings[K]["schema"]> };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: { kind: "sqlite"; file: string; url: string } | { kind: "postgresql"; url: string };
  logLevel: (typeof logLevels)[number];
  publicUrl: string;
  /** PUBLIC_URL was set: publicUrl is then the address hosts reach, not a guess (install lines). */
  publicUrlConfigured: boolean;
  /** Undefined when SECRET_KEY is unset: the key is then read from (or generated into) DATA_DIR. */
  secretKeyHex: string | undefined;
  bootstrapAdmin: { email: string; password: string } | undefined;
  localAgentTokenFile: string | undefined;
  /** Browser shells: idle timeout, reload grace period and recording size limit. */
  terminal: { idleMs: number; graceMs: number; recordingMaxBytes: number };
  /** Which peers may name the client in X-Forwarded-For (http/client-address.ts); none by default. */
  trustedProxies: TrustedProxies;
  /** Undefined when METRICS_TOKEN is unset: /metrics is then open to anyone who reaches the port. */
  metricsToken: string | undefined;
  /** Undefined when AGENT_BUNDLE_DIR is unset: install/ then serves this checkout's apps/agent/dist. */
  agentBundleDir: string | undefined;
  /** The built-in runbook library (runbooks/runbook-library.ts): RUNBOOKS_DIR, or runbooks/ of this checkout. */
  runbooksDir: string;
  /** Outgoing webhooks (notifications/webhook-worker.ts): the first retry's delay, doubled per retry. */
  webhookRetryInitialMs: number;
  /** ACME defaults until an admin saves settings (certificates/acme-settings.ts); the bundle is a file path. */
  acme: { directoryUrl: string; caBundleFile: string | undefined; email: string | undefined };
  /** Certificates (certificates/certificate-worker.ts): the first retry's delay after a failed order. */
  certRetryInitialMs: number;
  /** Roles that must use a second factor where a team saved no choice (access/second-factor-policy.ts). */
  secondFactorDefaultRoles: Role[];
  /** Single sign-on until an admin saves settings (access/sso/sso-settings.ts); undefined: none. */
  oidc: EnvOidc | undefined;
  dev: boolean;
}

export interface EnvOidc {
  issuerUrl: string;
  clientId: string;
  clientSecret: string | undefined;
  displayName: string | undefined;
  allowedDomains: string[];
  defaultRole: Role | undefined;
}

export class ConfigError extends Error {}

/** A refused client secret is named, never echoed: the sentence reaches logs and terminals. */
function shownValue(name: keyof Settings, value: string | undefined): string {
  return name === "OIDC_CLIENT_SECRET" && value !== undefined ? "(hidden)" : JSON.stringify(value);
}

/** Parses the environment; throws ConfigError with one sentence per refused setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const raw: Partial<Record<keyof Settings, unknown>> = {};
  for (const [name, setting] of Object.entries(settings) as [keyof Settings, Settings[keyof Settings]][]) {
    const value = env[name] === "" ? undefined : env[name];
    const result = setting.schema.safeParse(value);
    if (result.success) raw[name] = result.data;
    else problems.push(`${name}=${shownValue(name, value)} is not valid: ${setting.fix}.`);
  }
  const email = raw.WHEELHOUSE_ADMIN_EMAIL as string | undefined;
  const password = raw.WHEELHOUSE_ADMIN_PASSWORD as string | undefined;
  if ((email === undefined) !== (password === undefined)) {
    problems.push("WHEELHOUSE_ADMIN_EMAIL and WHEELHOUSE_ADMIN_PASSWORD go together: set both, or neither.");
  }
  if ((raw.OIDC_ISSUER_URL === undefined) !== (raw.OIDC_CLIENT_ID === undefined)) {
    problems.push("OIDC_ISSUER_URL and OIDC_CLIENT_ID go together: set both, or neither.");
  }
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  const values = raw as RawEnv;
  const dataDir = resolve(values.DATA_DIR);
  const databaseUrl = values.DATABASE_URL ?? `file:${resolve(dataDir, "wheelhouse.db")}`;
  return {
    port: values.PORT,
    host: values.HOST,
    dataDir,
    database: databaseUrl.startsWith("file:")
      ? { kind: "sqlite", file: resolve(databaseUrl.slice("file:".length)), url: databaseUrl }
      : { kind: "postgresql", url: databaseUrl },
    logLevel: values.LOG_LEVEL,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/$/, ""),
    publicUrlConfigured: values.PUBLIC_URL !== undefined,
    secretKeyHex: values.SECRET_KEY?.toLowerCase(),
    bootstrapAdmin: email && password ? { email: email.toLowerCase(), password } : undefined,
    localAgentTokenFile: values.WHEELHOUSE_LOCAL_AGENT_TOKEN_FILE
      ? resolve(values.WHEELHOUSE_LOCAL_AGENT_TOKEN_FILE)
      : undefined,
    terminal: {
      idleMs: values.TERMINAL_IDLE_MINUTES * 60_000,
      graceMs: values.TERMINAL_GRACE_SECONDS * 1_000,
      recordingMaxBytes: Math.round(values.TERMINAL_RECORDING_MAX_MB * 1024 * 1024),
    },
    trustedProxies: compileTrustedProxies(values.TRUSTED_PROXIES ?? []),
    metricsToken: values.METRICS_TOKEN,
    agentBundleDir: values.AGENT_BUNDLE_DIR ? resolve(values.AGENT_BUNDLE_DIR) : undefined,
    runbooksDir: values.RUNBOOKS_DIR ? resolve(values.RUNBOOKS_DIR) : DEFAULT_RUNBOOKS_DIR,
    webhookRetryInitialMs: values.WEBHOOK_RETRY_INITIAL_SECONDS * 1_000,
    acme: {
      directoryUrl: values.ACME_DIRECTORY_URL,
      caBundleFile: values.ACME_CA_BUNDLE ? resolve(values.ACME_CA_BUNDLE) : undefined,
      email: values.ACME_EMAIL?.toLowerCase(),
    },
    certRetryInitialMs: values.CERT_RETRY_INITIAL_SECONDS * 1_000,
    oidc:
      values.OIDC_ISSUER_URL && values.OIDC_CLIENT_ID
        ? {
            issuerUrl: values.OIDC_ISSUER_URL,
            clientId: values.OIDC_CLIENT_ID,
            clientSecret: values.OIDC_CLIENT_SECRET,
            displayName: values.OIDC_DISPLAY_NAME,
            allowedDomains: values.OIDC_ALLOWED_DOMAINS ?? [],
            defaultRole: values.OIDC_DEFAULT_ROLE,
          }
        : undefined,
    secondFactorDefaultRoles: values.SECOND_FACTOR_DEFAULT_ROLES,
    dev: values.NODE_ENV === "development",
  };
}

/** The settings and their descriptions, for `--help` and the README. */
export function describeSettings(): string {
  return Object.entries(settings)
    .map(([name, setting]) => `  ${name.padEnd(27)} ${setting.describe}`)
    .join("\n");
}
