// The managed prefix's directories, and what nginx's workers need from them. Started as root, nginx
// runs its workers as nobody; they read no file of ours (the pages are inside the configuration)
// but write request bodies and large responses to the temp directories, which nginx itself creates
// and hands to nobody. What nobody needs from us is a path it may walk through to reach them.
import { chmod, mkdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Logger } from "../logger";
import type { ManagedLayout } from "./main-config";

export interface WorkerUser {
  user: string;
  group: string;
}

const OTHERS_SEARCH = 0o001;

async function workerGroup(): Promise<string> {
  try {
    const groups = await readFile("/etc/group", "utf8");
    return /^nogroup:/m.test(groups) ? "nogroup" : "nobody";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "nobody";
    throw error;
  }
}

/** Creates the prefix's directories; as root, also makes the path to them searchable and names the worker user. */
export async function prepareManagedPrefix(layout: ManagedLayout, logger: Logger): Promise<WorkerUser | null> {
  for (const dir of [layout.prefix, dirname(layout.configFile), layout.sitesDir, dirname(layout.pidFile)]) {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  }
  await mkdir(layout.logsDir, { recursive: true, mode: 0o755 });
  await mkdir(layout.tempDir, { recursive: true, mode: 0o755 });
  if (process.getuid?.() !== 0) return null;

  for (const dir of [layout.prefix, layout.tempDir]) {
    const { mode } = await stat(dir);
    if ((mode & 0o005) !== 0o005) await chmod(dir, (mode & 0o7777) | 0o005);
  }
  // The agent's config directory is 0700; search without read lets nobody pass through it to the
  // prefix but not list it (agent.json stays 0600 either way).
  const configDir = dirname(layout.prefix);
  const { mode } = await stat(configDir);
  if ((mode & OTHERS_SEARCH) === 0) {
    await chmod(configDir, (mode & 0o7777) | OTHERS_SEARCH);
    logger.info({ dir: configDir }, "let nginx's workers pass through the config directory (search only)");
  }
  for (let dir = dirname(configDir); ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & OTHERS_SEARCH) === 0) {
      throw new Error(
        `nginx's workers run as nobody and cannot reach ${join(layout.prefix, "temp")}: ${dir} is not searchable by others. Run \`chmod o+x ${dir}\` or set WHEELHOUSE_AGENT_CONFIG_DIR to a directory elsewhere.`,
      );
    }
    if (dir === dirname(dir)) break;
  }
  return { user: "nobody", group: await workerGroup() };
}
