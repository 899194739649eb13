// Starting, reading and removing app instances against the real Docker engine; the docker CLI is the
// oracle for what the engine holds. Instances are reached only through 127.0.0.1.
import { createServer, type Server } from "node:net";
import { APP_LABELS } from "@wheelhouse/shared";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dockerAvailable,
  ensureTestAppImage,
  removeTestContainers,
  removeTestImages,
  runDocker,
  testAppImage,
  testAppPage,
} from "../../../../tests/support/docker.ts";
import { waitForUrl } from "../../../../tests/support/portal.ts";
import { waitFor } from "../../../../tests/support/wait-for.ts";
import { resolveImage } from "./image-resolve";
import { TEST_CONTAINER_PORT, testSettings, testSpec } from "./instance-spec.fixture";
import { instanceLogs, removeInstances, startInstance } from "./instances";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const settings = testSettings();
const MISSING_ID = "f".repeat(64);
let v1: string;
let v2: string;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all([ensureTestAppImage("v1"), ensureTestAppImage("v2")]);
  v1 = (await resolveImage(docker, { ref: testAppImage("v1"), pullPolicy: "never" })).imageId;
  v2 = (await resolveImage(docker, { ref: testAppImage("v2"), pullPolicy: "never" })).imageId;
});

afterAll(async () => {
  await removeTestContainers();
  await removeTestImages();
});

async function inspect<T>(id: string, format: string): Promise<T> {
  return JSON.parse(await runDocker(["inspect", "--format", `{{json ${format}}}`, id])) as T;
}

/** The page at `/`, once the app answers (docker-proxy accepts before the app listens). */
async function page(port: number): Promise<string> {
  const res = await waitForUrl(`http://127.0.0.1:${port}/`, (r) => r.status === 200, 15_000);
  return res.text();
}

describe("resolveImage", () => {
  it("names a local image without pulling it", async () => {
    const resolved = await resolveImage(docker, { ref: testAppImage("v1"), pullPolicy: "if-not-present" });
    expect(resolved).toEqual({
      imageId: await runDocker(["image", "inspect", "--format", "{{.Id}}", testAppImage("v1")]),
      // Built here, never pulled: no registry digest.
      repoDigest: null,
      pulled: false,
      source: "local",
    });
    expect(resolved.imageId).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await resolveImage(docker, { ref: resolved.imageId, pullPolicy: "always" })).toEqual(resolved);
  });

  it("fails a pull in the engine's own words", async () => {
    // A registry on a loopback port where nothing listens: the tests never reach beyond 127.0.0.1.
    const ref = "127.0.0.1:9/wheelhouse-test/does-not-exist:1";
    const cli = await runDocker(["pull", ref]).then(
      () => "",
      (error: Error) => error.message,
    );
    const engineWords = /Error response from daemon: (.*)$/m.exec(cli)?.[1];
    expect(engineWords, cli).toBeTruthy();
    await expect(resolveImage(docker, { ref, pullPolicy: "if-not-present" })).rejects.toThrow(
      `pulling ${ref} failed: ${engineWords}`,
    );
  });

  it("does not try to pull an image id", async () => {
    await expect(resolveImage(docker, { ref: `sha256:${"0".repeat(64)}`, pullPolicy: "always" })).rejects.toThrow(
      `image sha256:${"0".repeat(64)} is not on this host, and an image id cannot be pulled`,
    );
  });
});

describe("startInstance", () => {
  it("publishes on 127.0.0.1 only, with every label, the restart policy and log rotation", async () => {
    const spec = testSpec(v1, { appName: "billing", releaseNumber: 4, restartPolicy: "on-failure" });
    const started = await startInstance(docker, spec, settings);

    expect(started.name).toBe(`wh-billing-r4-${spec.instanceId.slice(0, 8)}`);
    expect(started.hostPort).toBeGreaterThanOrEqual(settings.portRange.first);
    expect(started.hostPort).toBeLessThanOrEqual(settings.portRange.last);
    expect(await page(started.hostPort)).toBe(testAppPage("v1"));

    expect(await runDocker(["inspect", "--format", "{{.Id}} {{.Name}} {{.Image}}", started.containerId])).toBe(
      `${started.containerId} /${started.name} ${v1}`,
    );
    expect(await runDocker(["port", started.containerId, `${TEST_CONTAINER_PORT}/tcp`])).toBe(
      `127.0.0.1:${started.hostPort}`,
    );
    expect(await inspect<Record<string, string>>(started.containerId, ".Config.Labels")).toMatchObject({
      [APP_LABELS.managed]: "1",
      [APP_LABELS.app]: spec.appId,
      [APP_LABELS.appName]: "billing",
      [APP_LABELS.release]: spec.releaseId,
      [APP_LABELS.releaseNumber]: "4",
      [APP_LABELS.deployment]: spec.deploymentId,
      [APP_LABELS.instance]: spec.instanceId,
      [APP_LABELS.port]: String(started.hostPort),
      ...settings.extraLabels,
    });
    expect(await inspect(started.containerId, ".HostConfig.RestartPolicy")).toEqual({
      Name: "on-failure",
      MaximumRetryCount: 5,
    });
    expect(await inspect(started.containerId, ".HostConfig.LogConfig")).toEqual({
      Type: "json-file",
      Config: { "max-size": "1m", "max-file": "2" },
    });
    const env = await inspect<string[]>(started.containerId, ".Config.Env");
    expect(env).toEqual(
      expect.arrayContaining(["GREETING=hello", "SECRET_TOKEN=s3cret", `PORT=${TEST_CONTAINER_PORT}`]),
    );
  });

  it("with host networking passes the host port as PORT and the app listens on it", async () => {
    const started = await startInstance(docker, testSpec(v2, { network: "host" }), settings);
    expect(await page(started.hostPort)).toBe(testAppPage("v2"));
    expect(await runDocker(["inspect", "--format", "{{.HostConfig.NetworkMode}}", started.containerId])).toBe("host");
    expect(await inspect<string[]>(started.containerId, ".Config.Env")).toContain(`PORT=${started.hostPort}`);
  });

  it("is idempotent by instance id, also when called twice at once, and starts a stopped instance again", async () => {
    const spec = testSpec(v1);
    const [first, second] = await Promise.all([
      startInstance(docker, spec, settings),
      startInstance(docker, spec, settings),
    ]);
    expect(second).toEqual(first);
    const again = await startInstance(docker, spec, settings);
    expect(again).toEqual(first);
    const byLabel = await runDocker([
      "ps",
      "--all",
      "--quiet",
      "--no-trunc",
      "--filter",
      `label=${APP_LABELS.instance}=${spec.instanceId}`,
    ]);
    expect(byLabel).toBe(first.containerId);

    await runDocker(["stop", "--time", "1", first.containerId]);
    expect(await startInstance(docker, spec, settings)).toEqual(first);
    expect(await runDocker(["inspect", "--format", "{{.State.Status}}", first.containerId])).toBe("running");
    expect(await page(first.hostPort)).toBe(testAppPage("v1"));
  });

  it("never hands out a port another instance claims or another process holds", async () => {
    // A range of three ports: one held by a listener here, one claimed by a stopped instance.
    const [held, claimedPort, free] = await freeRun();
    const range = { first: held, last: free };
    const listener = await listen(held);
    try {
      const stopped = await startInstance(
        docker,
        testSpec(v1),
        testSettings({ first: claimedPort, last: claimedPort }),
      );
      await runDocker(["stop", "--time", "1", stopped.containerId]);
      const started = await startInstance(docker, testSpec(v1), testSettings(range));
      expect(started.hostPort).toBe(free);
      await expect(startInstance(docker, testSpec(v1), testSettings(range))).rejects.toThrow(
        `no free host port in ${held}-${free}: 2 claimed by Wheelhouse containers, 1 held by other processes`,
      );
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it("names an instance with its whole id when another instance has the same short name", async () => {
    const first = await startInstance(docker, testSpec(v1, { instanceId: "samestartAAAA" }), settings);
    const second = await startInstance(docker, testSpec(v1, { instanceId: "samestartBBBB" }), settings);
    expect(first.name).toBe("wh-test-app-r1-samestar");
    expect(second.name).toBe("wh-test-app-r1-samestartBBBB");
    expect(await page(second.hostPort)).toBe(testAppPage("v1"));
  });

  it("gives instances started at the same time different ports, even in a range just big enough", async () => {
    // Host networking: nothing would notice two instances given one port until the second app failed.
    const [first, , last] = await freeRun();
    const narrow = testSettings({ first, last });
    const started = await Promise.all(
      [1, 2, 3].map(() => startInstance(docker, testSpec(v1, { network: "host" }), narrow)),
    );
    expect(started.map((instance) => instance.hostPort).sort((a, b) => a - b)).toEqual([first, first + 1, last]);
    for (const instance of started) expect(await page(instance.hostPort)).toBe(testAppPage("v1"));
  });

  it("says what the engine said when the image is not on the host", async () => {
    await expect(startInstance(docker, testSpec(`sha256:${"0".repeat(64)}`), settings)).rejects.toThrow(
      /^creating the instance failed: No such image: sha256:0{64}/,
    );
  });
});

describe("instanceLogs", () => {
  it("returns the last lines of stdout and stderr, oldest first", async () => {
    const started = await startInstance(docker, testSpec(v1), settings);
    // The app writes its start line on stdout; httpd logs each answer on stderr.
    expect(await page(started.hostPort)).toBe(testAppPage("v1"));
    const lines = await waitFor(() => instanceLogs(docker, started.containerId, 50), {
      what: "the instance's start line and its first answer in its log",
      timeoutMs: 5_000,
      until: (found) => found.length >= 2,
    });
    expect(lines).toEqual([
      `starting version v1 on port ${TEST_CONTAINER_PORT}`,
      expect.stringMatching(/response:200$/),
    ]);
    expect(await instanceLogs(docker, started.containerId, 1)).toEqual([lines[1]]);
    // The CLI splits the streams again: its stdout is the app's stdout line alone.
    expect(await runDocker(["logs", started.containerId])).toBe(lines[0]);
  });

  it("has no lines for a container that does not exist", async () => {
    expect(await instanceLogs(docker, MISSING_ID, 10)).toEqual([]);
  });
});

describe("removeInstances", () => {
  it("stops and removes running and stopped instances; a missing one counts as removed", async () => {
    const running = await startInstance(docker, testSpec(v1), settings);
    const stopped = await startInstance(docker, testSpec(v1), settings);
    await runDocker(["stop", "--time", "1", stopped.containerId]);

    const ids = [running.containerId, stopped.containerId, MISSING_ID];
    expect(await removeInstances(docker, ids, 1)).toEqual({ removed: ids });
    expect(await runDocker(["ps", "--all", "--quiet", "--no-trunc", "--filter", `id=${running.containerId}`])).toBe("");
    expect(await runDocker(["ps", "--all", "--quiet", "--no-trunc", "--filter", `id=${stopped.containerId}`])).toBe("");
    expect(await removeInstances(docker, ids, 1)).toEqual({ removed: ids });
  });

  it("counts a container the engine is already removing as removed", async () => {
    const started = await startInstance(docker, testSpec(v1), settings);
    const container = docker.getContainer(started.containerId);
    // Someone else's removal (the portal's earlier request, a person's `docker rm -f`) under way:
    // the engine marks the container "removing" at once and keeps it for the ~100 ms the kill takes.
    const elsewhere = container.remove({ force: true });
    let state = "running";
    while (state === "running") state = (await container.inspect()).State.Status;
    expect(state).toBe("removing");
    // The engine answers a second remove now with 409 "removal of container … is already in progress".
    expect(await removeInstances(docker, [started.containerId], 1)).toEqual({ removed: [started.containerId] });
    await elsewhere;
    expect(await runDocker(["ps", "--all", "--quiet", "--no-trunc", "--filter", `id=${started.containerId}`])).toBe("");
  });
});

/** Three consecutive ports that are free on 127.0.0.1 now and on no container's port label. */
async function freeRun(): Promise<[number, number, number]> {
  const labelled = await runDocker(["ps", "--all", "--format", `{{.Label "${APP_LABELS.port}"}}`]);
  const claimed = new Set(labelled.split("\n").filter(Boolean).map(Number));
  for (let first = 26_000; first < 27_000; first += 3) {
    const run: [number, number, number] = [first, first + 1, first + 2];
    if (run.some((port) => claimed.has(port))) continue;
    const probes = await Promise.all(run.map((port) => listen(port).then(close, () => false)));
    if (probes.every(Boolean)) return run;
  }
  throw new Error("no three free ports in a row in 26000-26999");
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<true> {
  return new Promise((resolve) => server.close(() => resolve(true)));
}
