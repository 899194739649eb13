// Removing images old releases left behind, against the real engine: only images that are neither
// kept nor used by any container go, and the docker CLI confirms what is left.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildThrowawayImage,
  dockerAvailable,
  removeTestContainers,
  removeTestImages,
  runDocker,
  runTestContainer,
} from "../../../../tests/support/docker.ts";
import { removeUnusedImages } from "./image-cleanup";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const MISSING = `sha256:${"0".repeat(64)}`;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
});

afterAll(async () => {
  await removeTestContainers();
  await removeTestImages();
});

const imageId = (ref: string) => runDocker(["image", "inspect", "--format", "{{.Id}}", ref]);
const exists = (ref: string) =>
  runDocker(["image", "inspect", "--format", "{{.Id}}", ref]).then(
    () => true,
    () => false,
  );

describe("removeUnusedImages", () => {
  it("removes only what is neither kept nor used, and says why it skipped the rest", async () => {
    const [unused, kept, usedRunning, usedStopped] = await Promise.all(
      [1, 2, 3, 4].map(async () => imageId(await buildThrowawayImage())),
    );
    if (!unused || !kept || !usedRunning || !usedStopped) throw new Error("images were not built");
    const running = await runTestContainer({ image: usedRunning, command: ["sleep", "60"] });
    const stopped = await runTestContainer({ image: usedStopped, command: ["true"] });
    await runDocker(["wait", stopped.id]);
    const name = (id: string) => runDocker(["inspect", "--format", "{{slice .Name 1}}", id]);

    const result = await removeUnusedImages(docker, [unused, kept, usedRunning, usedStopped, MISSING, unused], [kept]);

    expect(result).toEqual({
      removed: [unused],
      skipped: [
        { image: kept, reason: "kept: a release that must stay deployable runs it" },
        { image: usedRunning, reason: `used by container ${await name(running.id)} (running)` },
        { image: usedStopped, reason: `used by container ${await name(stopped.id)} (exited)` },
        { image: MISSING, reason: "not on this host" },
      ],
    });
    expect(await exists(unused)).toBe(false);
    for (const image of [kept, usedRunning, usedStopped]) expect(await exists(image)).toBe(true);
  });

  it("does nothing without candidates", async () => {
    expect(await removeUnusedImages(docker, [], [MISSING])).toEqual({ removed: [], skipped: [] });
  });
});
