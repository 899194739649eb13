// The agent's settings: environment variables (each with its default) and the config file that
// `enroll` writes. Nothing else reads process.env.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

export const SETTINGS_HELP = [
  [
    "WHEELHOUSE_AGENT_CONFIG_DIR",
    "/etc/wheelhouse-agent as root, else ~/.config/wheelhouse-agent",
    "Where agent.json (portal URL and agent key, mode 0600) lives.",
  ],
  [
    "WHEELHOUSE_PORTAL_URL",
    "the URL given to enroll",
    "Overrides the portal address in agent.json (e.g. after the portal moved).",
  ],
  ["DOCKER_SOCKET", "/var/run/docker.sock", "The Docker engine's API socket."],
  ["LOG_LEVEL", "info", "fatal, error, warn, info, debug, trace or silent. Logs are JSON lines on stdout."],
  [
    "NGINX_MODE",
    "managed",
    "managed: the agent runs its own nginx under <config dir>/nginx on unprivileged ports; system: it writes into the system nginx (NGINX_SITES_DIR) and reloads it; off: no nginx.",
  ],
  ["NGINX_BINARY", "nginx", "The nginx executable (looked up on PATH, then /usr/sbin)."],
  [
    "NGINX_HTTP_PORT",
    "8080 (managed), 80 (system)",
    "Port for plain HTTP: the managed nginx's, or the one Wheelhouse sites listen on in the system nginx.",
  ],
  ["NGINX_HTTPS_PORT", "8443", "Port of the managed nginx for HTTPS (used once certificates exist)."],
  ["NGINX_SITES_DIR", "/etc/nginx/conf.d", "system mode: where the agent writes wheelhouse-*.conf."],
  [
    "WHEELHOUSE_AGENT_PORT_RANGE",
    "20000-29999",
    "Host ports the agent assigns to app instances (published on 127.0.0.1, or PORT with host networking).",
  ],
  [
    "WHEELHOUSE_AGENT_EXTRA_LABELS",
    "(none)",
    "Labels added to every container the agent creates, as key=value,key=value (e.g. for cost tracking).",
  ],
  [
    "WHEELHOUSE_AGENT_STOP_WITH_PID",
    "(none)",
    "run stops when the process with this PID ends, however it ended (npm start passes the portal's PID).",
  ],
] as const;

const portNumber = z.coerce.number().int().min(1).max(65_535);

const envSchema = z.object({
  WHEELHOUSE_AGENT_CONFIG_DIR: z.string().min(1).optional(),
  WHEELHOUSE_PORTAL_URL: z.url({ protocol: /^https?$/ }).optional(),
  DOCKER_SOCKET: z.string().min(1).default("/var/run/docker.sock"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NGINX_MODE: z.enum(["managed", "system", "off"]).default("managed"),
  NGINX_BINARY: z.string().min(1).default("nginx"),
  NGINX_HTTP_PORT: portNumber.optional(),
  NGINX_HTTPS_PORT: portNumber.default(8443),
  NGINX_SITES_DIR: z.string().min(1).default("/etc/nginx/conf.d"),
  WHEELHOUSE_AGENT_PORT_RANGE: z
    .string()
    .default("20000-29999")
    .transform((value, context) => {
      const match = /^(\d{1,5})-(\d{1,5})$/.exec(value);
      const first = Number(match?.[1]);
      const last = Number(match?.[2]);
      if (!match || first < 1024 || last > 65_535 || first > last) {
        context.addIssue({ code: "custom", message: "expected FIRST-LAST with 1024 ≤ FIRST ≤ LAST ≤ 65535" });
        return z.NEVER;
      }
      return { first, last };
    }),
  WHEELHOUSE_AGENT_EXTRA_LABELS: z
    .string()
    .default("")
    .transform((value, context) => {
      const labels: Record<string, string> = {};
      for (const pair of value.split(",").filter((part) => part.trim() !== "")) {
        const at = pair.indexOf("=");
        if (at <= 0) {
          context.addIssue({ code: "custom", message: `"${pair}" is not key=value` });
          return z.NEVER;
        }
        labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
      }
      return labels;
    }),
  // Linux's largest pid_max is 2^22.
  WHEELHOUSE_AGENT_STOP_WITH_PID: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 22)
    .optional(),
});

export interface NginxSettings {
  mode: "managed" | "system" | "off";
  binary: string;
  httpPort: number;
  httpsPort: number;
  /** managed mode: the nginx prefix (config, pid, logs, pages), inside the agent's config directory. */
  prefixDir: string;
  /** system mode: where site files go. */
  systemSitesDir: string;
}

export interface AgentSettings {
  configDir: string;
  portalUrlOverride: string | undefined;
  dockerSocket: string;
  logLevel: string;
  nginx: NginxSettings;
  /** Host ports handed to app instances, inclusive. */
  portRange: { first: number; last: number };
  extraLabels: Record<string, string>;
  /** run stops once this process ends (the quick start's portal). */
  stopWithPid: number | undefined;
}

export class SettingsError extends Error {}

export function readSettings(env: Record<string, string | undefined>): AgentSettings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}=${JSON.stringify(env[String(issue.path[0])])} is not valid: ${issue.message}`,
    );
    throw new SettingsError(lines.join("\n"));
  }
  const isRoot = process.getuid?.() === 0;
  const configDir =
    parsed.data.WHEELHOUSE_AGENT_CONFIG_DIR ??
    (isRoot ? "/etc/wheelhouse-agent" : join(homedir(), ".config", "wheelhouse-agent"));
  return {
    configDir,
    portalUrlOverride: parsed.data.WHEELHOUSE_PORTAL_URL,
    dockerSocket: parsed.data.DOCKER_SOCKET,
    logLevel: parsed.data.LOG_LEVEL,
    nginx: {
      mode: parsed.data.NGINX_MODE,
      binary: parsed.data.NGINX_BINARY,
      httpPort: parsed.data.NGINX_HTTP_PORT ?? (parsed.data.NGINX_MODE === "system" ? 80 : 8080),
      httpsPort: parsed.data.NGINX_HTTPS_PORT,
      prefixDir: join(configDir, "nginx"),
      systemSitesDir: parsed.data.NGINX_SITES_DIR,
    },
    portRange: parsed.data.WHEELHOUSE_AGENT_PORT_RANGE,
    extraLabels: parsed.data.WHEELHOUSE_AGENT_EXTRA_LABELS,
    stopWithPid: parsed.data.WHEELHOUSE_AGENT_STOP_WITH_PID,
  };
}

/** What `enroll` writes and `run` reads: agent.json in the config directory. */
export const agentFileSchema = z.object({
  portalUrl: z.url({ protocol: /^https?$/ }),
  hostId: z.string().min(1),
  hostName: z.string().min(1),
  agentKey: z.string().min(20),
});
export type AgentFile = z.infer<typeof agentFileSchema>;

export function agentFilePath(configDir: string): string {
  return join(configDir, "agent.json");
}

export function readAgentFile(configDir: string): AgentFile {
  const path = agentFilePath(configDir);
  if (!existsSync(path)) {
    throw new SettingsError(
      `${path} does not exist: this host is not enrolled. Run the enroll command shown on the portal's Hosts page.`,
    );
  }
  const parsed = agentFileSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success)
    throw new SettingsError(`${path} is damaged (${parsed.error.issues[0]?.message}). Enrol this host again.`);
  return parsed.data;
}

/** Writes atomically with mode 0600: the key never sits in a file others can read, even briefly. */
export function writeAgentFile(configDir: string, file: AgentFile): string {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const path = agentFilePath(configDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return path;
}
