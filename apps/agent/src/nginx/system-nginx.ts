// Where the system nginx keeps its pid file and error log, so a reload can be confirmed the way the
// managed one's is: both come from the configuration nginx itself loads (`nginx -T` prints it), and
// fall back to the paths nginx was built with (`nginx -V`) when the configuration does not say.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { execNginx, isAlive, processTitle, readPidFile } from "./nginx-process";

export interface SystemNginxPaths {
  pidFile: string;
  /** null when nginx logs to stderr or syslog, or nothing names a file: reload errors then cannot be quoted. */
  errorLog: string | null;
}

/** Top-level `name value;` directives of one configuration file, in order (blocks and comments skipped). */
export function mainDirectives(config: string): { name: string; value: string }[] {
  const found: { name: string; value: string }[] = [];
  let depth = 0;
  let statement = "";
  let quote: string | null = null;
  for (let index = 0; index < config.length; index += 1) {
    const char = config[index] ?? "";
    if (quote) {
      statement += char;
      if (char === quote && config[index - 1] !== "\\") quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
      statement += char;
    } else if (char === "#") {
      const end = config.indexOf("\n", index);
      index = end === -1 ? config.length : end;
      statement += " ";
    } else if (char === "{") {
      depth += 1;
      statement = "";
    } else if (char === "}") {
      depth = Math.max(0, depth - 1);
      statement = "";
    } else if (char === ";") {
      const [name, ...values] = statement.trim().split(/\s+/);
      if (depth === 0 && name) found.push({ name, value: unquote(values[0] ?? "") });
      statement = "";
    } else {
      statement += char;
    }
  }
  return found;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** The value of `--name=…` in `nginx -V`'s configure arguments. */
function builtWith(versionOutput: string, name: string): string | null {
  return new RegExp(`--${name}=(\\S+)`).exec(versionOutput)?.[1] ?? null;
}

/** A path as nginx reads it: relative ones are relative to its prefix. */
function fromPrefix(path: string, prefix: string): string {
  return isAbsolute(path) ? path : join(prefix, path);
}

function logFile(target: string | null, prefix: string): string | null {
  if (target === null || target === "stderr" || target.startsWith("syslog:") || target.startsWith("memory:")) {
    return null;
  }
  return fromPrefix(target, prefix);
}

export async function locateSystemNginx(binary: string): Promise<SystemNginxPaths> {
  const built = (await execNginx(binary, ["-V"], 10_000)).stderr;
  const prefix = builtWith(built, "prefix") ?? "/usr/share/nginx";
  const dump = await execNginx(binary, ["-T"]);
  // The dump starts with the main file ("# configuration file …:"); included files follow, each
  // under its own header. pid and the main error_log can only be set at the top of the main file.
  const main = dump.ok ? (dump.stdout.split(/^# configuration file .*:$/m)[1] ?? "") : "";
  const directives = mainDirectives(main);
  const pid = directives.find((d) => d.name === "pid")?.value ?? builtWith(built, "pid-path") ?? "logs/nginx.pid";
  const errorLog = directives.find((d) => d.name === "error_log")?.value ?? builtWith(built, "error-log-path");
  return { pidFile: fromPrefix(pid, prefix), errorLog: logFile(errorLog, prefix) };
}

/** The live nginx master named by this pid file; null when there is none (stopped, or a stale file). */
export async function systemMaster(pidFile: string): Promise<number | null> {
  const pid = await readPidFile(pidFile);
  if (pid === null || !(await isAlive(pid))) return null;
  return (await processTitle(pid))?.startsWith("nginx: master process") ? pid : null;
}

/** False only when the file exists and this process may not read it; a missing log is created by nginx. */
export async function canRead(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return true;
    if (code === "EACCES" || code === "EPERM") return false;
    throw error;
  }
}
