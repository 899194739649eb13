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
] as const;

const envSchema = z.object({
  WHEELHOUSE_AGENT_CONFIG_DIR: z.string().min(1).optional(),
  WHEELHOUSE_PORTAL_URL: z.url({ protocol: /^https?$/ }).optional(),
  DOCKER_SOCKET: z.string().min(1).default("/var/run/docker.sock"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface AgentSettings {
  configDir: string;
  portalUrlOverride: string | undefined;
  dockerSocket: string;
  logLevel: string;
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
  return {
    configDir:
      parsed.data.WHEELHOUSE_AGENT_CONFIG_DIR ??
      (isRoot ? "/etc/wheelhouse-agent" : join(homedir(), ".config", "wheelhouse-agent")),
    portalUrlOverride: parsed.data.WHEELHOUSE_PORTAL_URL,
    dockerSocket: parsed.data.DOCKER_SOCKET,
    logLevel: parsed.data.LOG_LEVEL,
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
