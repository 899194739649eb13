// A host's Docker inventory against the real engine: the `docker` CLI is the oracle. Containers
// created, stopped and removed outside Wheelhouse show up as they are; actions taken through
// Wheelhouse show up in `docker ps`; an unreachable engine is reported and recovers.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "../support/agents.ts";
import { type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { dockerAvailable, removeTestContainers, runDocker, runTestContainer } from "../support/docker.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { waitFor } from "../support/wait-for.ts";

interface ContainerRow {
  id: string;
  name: string;
  state: string;
  managed: boolean;
  labels: Record<string, string>;
}
interface InventoryView {
  connected: boolean;
  syncedAt: number | null;
  dockerError: string | null;
  containers: ContainerRow[];
  images: { id: string; tags: string[] }[];
}

/** A container that stops at once on SIGTERM (a bare `sleep` as PID 1 ignores it for the whole grace period). */
const SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"];

let portal: Portal;
let admin: ApiClient;
const agents: AgentProcess[] = [];
const dirs: string[] = [];

async function enrol(name: string, env: Record<string, string> = {}): Promise<string> {
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name });
  const dir = agentConfigDir();
  dirs.push(dir);
  const result = await enrollAgent(dir, portal.url, created.data?.token ?? "");
  if (result.code !== 0) throw new Error(result.stderr);
  agents.push(runAgent(dir, env));
  const hosts = await admin.query<{ hosts: { id: string; name: string }[] }>("hosts.list");
  const host = hosts.data?.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`${name} not listed`);
  return host.id;
}

const view = async (hostId: string) => (await admin.query<InventoryView>("containers.list", { hostId })).data;

/** `docker ps -a` as id → state: the oracle. */
async function dockerPs(): Promise<Map<string, string>> {
  const out = await runDocker(["ps", "--all", "--no-trunc", "--format", "{{.ID}} {{.State}}"]);
  return new Map(
    out
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" ") as [string, string]),
  );
}

function same(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([id, state]) => b.get(id) === state);
}

const portalPs = async (hostId: string) => new Map((await view(hostId))?.containers.map((c) => [c.id, c.state]) ?? []);

let hostId: string;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: npm test starts one (scripts/system/docker-engine.sh start).");
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  hostId = await enrol("docker-host");
  await waitFor(() => view(hostId), {
    what: "first inventory",
    timeoutMs: 20_000,
    until: (v) => v?.syncedAt != null,
    intervalMs: 200,
  });
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  await removeTestContainers();
  for (const dir of dirs) removeConfigDir(dir);
  await portal?.stop();
});

describe("Docker inventory", () => {
  it("equals docker ps -a as containers are created, stopped and removed outside Wheelhouse", async () => {
    const running = await runTestContainer({ command: SLEEPER, name: `inv-running-${Date.now()}` });
    const exited = await runTestContainer({ command: ["true"] });
    await runDocker(["wait", exited.id]);
    await waitFor(async () => [await portalPs(hostId), await dockerPs()] as const, {
      what: "inventory equals docker ps -a after creating",
      timeoutMs: 10_000,
      until: ([ours, theirs]) => same(ours, theirs),
      intervalMs: 200,
    });
    const listed = (await view(hostId))?.containers.find((c) => c.id === running.id);
    expect(listed).toMatchObject({ state: "running", managed: false, labels: { "wheelhouse.test": "1" } });
    expect((await view(hostId))?.containers.find((c) => c.id === exited.id)?.state).toBe("exited");

    await runDocker(["stop", "--time", "1", running.id]);
    await waitFor(() => portalPs(hostId), {
      what: "stop seen",
      timeoutMs: 10_000,
      until: (ps) => ps.get(running.id) === "exited",
      intervalMs: 200,
    });
    await runDocker(["rm", running.id, exited.id]);
    await waitFor(async () => [await portalPs(hostId), await dockerPs()] as const, {
      what: "inventory equals docker ps -a after removing",
      timeoutMs: 10_000,
      until: ([ours, theirs]) => !ours.has(running.id) && !ours.has(exited.id) && same(ours, theirs),
      intervalMs: 200,
    });
    const images = (await view(hostId))?.images ?? [];
    expect(images.some((image) => image.tags.includes("wheelhouse-test/busybox:1"))).toBe(true);
  });

  it("an action in Wheelhouse shows in docker ps, and removing an unmanaged container asks for confirmation", async () => {
    const target = await runTestContainer({ command: SLEEPER });
    await waitFor(() => portalPs(hostId), {
      what: "target listed",
      timeoutMs: 10_000,
      until: (ps) => ps.get(target.id) === "running",
      intervalMs: 200,
    });

    expect((await admin.mutate("containers.action", { hostId, id: target.id, action: "stop" })).status).toBe(200);
    expect(await runDocker(["inspect", "--format", "{{.State.Status}}", target.id])).toBe("exited");
    await waitFor(() => portalPs(hostId), {
      what: "stop reflected",
      timeoutMs: 10_000,
      until: (ps) => ps.get(target.id) === "exited",
      intervalMs: 200,
    });

    expect((await admin.mutate("containers.action", { hostId, id: target.id, action: "start" })).status).toBe(200);
    expect(await runDocker(["inspect", "--format", "{{.State.Status}}", target.id])).toBe("running");

    const inspected = await admin.query<{ Id: string }>("containers.inspect", { hostId, id: target.id });
    expect(inspected.data?.Id).toBe(target.id);

    const unconfirmed = await admin.mutate("containers.action", { hostId, id: target.id, action: "remove" });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.error?.message).toMatch(/is not managed by Wheelhouse\. Confirm that you want to remove it\./);
    expect((await dockerPs()).has(target.id)).toBe(true);

    expect(
      (await admin.mutate("containers.action", { hostId, id: target.id, action: "remove", confirmUnmanaged: true }))
        .status,
    ).toBe(200);
    expect((await dockerPs()).has(target.id)).toBe(false);
    await waitFor(() => portalPs(hostId), {
      what: "removal reflected",
      timeoutMs: 10_000,
      until: (ps) => !ps.has(target.id),
      intervalMs: 200,
    });
  });

  it("says plainly when the engine is unreachable, and recovers when it answers again", async () => {
    const socketDir = mkdtempSync(join(tmpdir(), "wheelhouse-docker-sock-"));
    dirs.push(socketDir);
    const socketPath = join(socketDir, "docker.sock");
    const blindHost = await enrol("blind-host", { DOCKER_SOCKET: socketPath });
    const down = await waitFor(() => view(blindHost), {
      what: "engine error reported",
      timeoutMs: 15_000,
      until: (v) => Boolean(v?.dockerError),
      intervalMs: 200,
    });
    expect(down?.dockerError).toMatch(/^Docker engine unreachable: .*ENOENT/);

    // The engine "comes back": its socket appears where the agent looks.
    symlinkSync("/var/run/docker.sock", socketPath);
    await waitFor(() => view(blindHost), {
      what: "engine recovered",
      timeoutMs: 30_000,
      until: (v) => v?.dockerError === null && v.syncedAt !== null,
      intervalMs: 200,
    });
    // The whole engine's containers, read at one moment on each side: other test files create and
    // remove theirs meanwhile (CI counted 2 against 3 once), so wait for the two to agree.
    await waitFor(async () => [await portalPs(blindHost), await dockerPs()] as const, {
      what: "the recovered host's inventory to equal docker ps -a",
      timeoutMs: 30_000,
      until: ([ours, theirs]) => same(ours, theirs),
      intervalMs: 200,
    });
    rmSync(socketPath);
  });
});
