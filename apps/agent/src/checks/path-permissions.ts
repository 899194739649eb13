// path.permissions: owner and mode of a path on the host or inside the app's container (seed
// sections "permission denied", "privileged ports"): the app's user cannot write a volume owned by
// root, or read a key file with mode 0600 owned by someone else. Inside the container the engine
// runs `ls -ldn` (argument list, no shell), which minimal images such as busybox have.
import { readFile, stat } from "node:fs/promises";
import type { CheckParams } from "@wheelhouse/shared";
import { runContainerCommand } from "../terminal/container-exec";
import { type CheckContext, type CheckDraft, errorCode, requireApp, shortId } from "./check-result";

type Params = CheckParams<"path.permissions">;

const EXEC_TIMEOUT_MS = 10_000;

export interface PathFacts {
  path: string;
  uid: number;
  gid: number;
  owner: string | null;
  /** Permission bits with setuid/setgid/sticky, e.g. 0o755. */
  mode: number;
  type: "file" | "directory" | "link" | "other";
}

export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
}

/** uid → user name from a passwd file's text. */
export function userNames(passwd: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of passwd.split("\n")) {
    const [name, , uid] = line.split(":");
    if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
  }
  return names;
}

/** `-rwsr-x--T` → 0o4750: the permission string `ls -l` prints, back to bits. */
export function modeFromLs(symbolic: string): number {
  if (!/^[-dlcbps][-rwxsStT]{9}/.test(symbolic)) throw new Error(`Unexpected ls mode ${JSON.stringify(symbolic)}.`);
  let mode = 0;
  const bits = symbolic.slice(1, 10);
  const specials = [0o4000, 0o2000, 0o1000];
  for (let who = 0; who < 3; who++) {
    const [r, w, x] = [bits[who * 3], bits[who * 3 + 1], bits[who * 3 + 2]];
    const shift = (2 - who) * 3;
    if (r === "r") mode |= 4 << shift;
    if (w === "w") mode |= 2 << shift;
    if (x === "x" || x === "s" || x === "t") mode |= 1 << shift;
    if (x === "s" || x === "S" || x === "t" || x === "T") mode |= specials[who] ?? 0;
  }
  return mode;
}

/** One line of `ls -ldn PATH`: mode, links, uid, gid, … */
export function parseLsLine(line: string, path: string): Omit<PathFacts, "owner"> {
  const [symbolic, , uid, gid] = line.trim().split(/\s+/);
  if (!symbolic || !uid || !gid || !/^\d+$/.test(uid) || !/^\d+$/.test(gid))
    throw new Error(`Could not read ls's answer: ${line}`);
  const kind = symbolic[0];
  return {
    path,
    uid: Number(uid),
    gid: Number(gid),
    mode: modeFromLs(symbolic),
    type: kind === "d" ? "directory" : kind === "l" ? "link" : kind === "-" ? "file" : "other",
  };
}

async function onHost(path: string): Promise<PathFacts | null> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
  let names = new Map<number, string>();
  try {
    names = userNames(await readFile("/etc/passwd", "utf8"));
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
  return {
    path,
    uid: info.uid,
    gid: info.gid,
    owner: names.get(info.uid) ?? null,
    mode: info.mode & 0o7777,
    type: info.isDirectory() ? "directory" : info.isFile() ? "file" : "other",
  };
}

async function inContainer(context: CheckContext, path: string): Promise<{ facts: PathFacts | null; where: string }> {
  const app = requireApp(context, "path.permissions");
  const first = app.instances[0];
  if (!first) throw new Error(`${app.appName} has no container on this host to look into.`);
  const where = `container ${shortId(first.containerId)}`;
  const listing = await runContainerCommand(context.docker, first.containerId, ["ls", "-ldn", path], EXEC_TIMEOUT_MS);
  const stdout = Buffer.from(listing.stdout, "base64").toString("utf8");
  const stderr = Buffer.from(listing.stderr, "base64").toString("utf8");
  if (listing.exitCode !== 0) {
    if (/No such file|cannot access/i.test(stderr)) return { facts: null, where };
    throw new Error(`ls -ldn ${path} in ${where} failed (exit ${listing.exitCode}): ${stderr.trim() || stdout.trim()}`);
  }
  const passwd = await runContainerCommand(context.docker, first.containerId, ["cat", "/etc/passwd"], EXEC_TIMEOUT_MS);
  const names = passwd.exitCode === 0 ? userNames(Buffer.from(passwd.stdout, "base64").toString("utf8")) : new Map();
  const parsed = parseLsLine(stdout.split("\n")[0] ?? "", path);
  return { facts: { ...parsed, owner: names.get(parsed.uid) ?? null }, where };
}

/** "/data is owned by root (uid 0) with mode 0755" plus what differs from the step's expectation. */
export function permissionProblems(facts: PathFacts, params: Params): string[] {
  const problems: string[] = [];
  if (params.owner !== undefined) {
    const matches = /^\d+$/.test(params.owner) ? facts.uid === Number(params.owner) : facts.owner === params.owner;
    if (!matches) problems.push(`expected owner ${params.owner}`);
  }
  if (params.mode !== undefined && (facts.mode & 0o7777) !== Number.parseInt(params.mode, 8))
    problems.push(`expected mode ${octal(Number.parseInt(params.mode, 8))}`);
  return problems;
}

export async function pathPermissions(context: CheckContext, params: Params): Promise<CheckDraft> {
  const { facts, where } =
    params.where === "host"
      ? { facts: await onHost(params.path), where: "this host" }
      : await inContainer(context, params.path);
  if (facts === null)
    return {
      outcome: "fail",
      finding: `${params.path} does not exist on ${where}`,
      facts: { path: params.path, exists: false },
    };
  const owner = facts.owner ? `${facts.owner} (uid ${facts.uid})` : `uid ${facts.uid}`;
  const described = `${params.path} on ${where} is a ${facts.type} owned by ${owner}, group ${facts.gid}, mode ${octal(facts.mode)}`;
  const problems = permissionProblems(facts, params);
  return {
    outcome: problems.length > 0 ? "fail" : "pass",
    finding: problems.length > 0 ? `${described}: ${problems.join(", ")}` : described,
    output: JSON.stringify({ ...facts, mode: octal(facts.mode) }, null, 2),
    facts: { ...facts, mode: octal(facts.mode), exists: true },
  };
}
