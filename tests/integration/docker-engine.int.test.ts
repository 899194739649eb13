// The Docker test infrastructure against the real engine (scripts/system/docker-engine.sh start):
// images built locally from busybox-static, labelled containers reached only through 127.0.0.1,
// and nothing left behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.ts";
import {
  dockerAvailable,
  ensureHttpdImage,
  ensureTestImage,
  HTTPD_PAGE,
  HTTPD_PORT,
  listTestContainers,
  removeTestContainers,
  runDocker,
  runTestContainer,
  TEST_LABEL,
} from "../support/docker.ts";
import { waitForUrl } from "../support/portal.ts";

beforeAll(async () => {
  if (!(await dockerAvailable())) {
    throw new Error(
      "No Docker engine answers: run `bash scripts/system/docker-engine.sh start` as root (npm test does).",
    );
  }
});
afterAll(async () => {
  await removeTestContainers();
});

/** The page at `url`, once the server behind it answers 200 (docker-proxy accepts before httpd listens). */
async function page(url: string): Promise<string> {
  const res = await waitForUrl(url, (r) => r.status === 200, 15_000);
  return res.text();
}

describe("Docker engine for tests", () => {
  it("builds the labelled test images locally, from busybox-static", async () => {
    const base = await ensureTestImage();
    const httpd = await ensureHttpdImage();
    for (const tag of [base, httpd]) {
      const inspected = await runDocker(["image", "inspect", "--format", "{{json .Config.Labels}}", tag]);
      const labels = JSON.parse(inspected) as Record<string, string>;
      expect(labels).toMatchObject({ "wheelhouse.test": "1" });
    }
    const container = await runTestContainer({ image: base, command: ["echo", "hello from busybox"] });
    await runDocker(["wait", container.id]);
    expect(await container.logs()).toBe("hello from busybox\n");
    await container.remove();
  });

  it("serves a page from a container published on 127.0.0.1, then removes it", async () => {
    const image = await ensureHttpdImage();
    const port = await freePort();
    const container = await runTestContainer({ image, publish: [{ hostPort: port, containerPort: HTTPD_PORT }] });

    // Published on loopback only.
    expect(await runDocker(["port", container.id, `${HTTPD_PORT}/tcp`])).toBe(`127.0.0.1:${port}`);
    expect(await page(`http://127.0.0.1:${port}/`)).toBe(HTTPD_PAGE);

    const listed = await runDocker([
      "ps",
      "-a",
      "--no-trunc",
      "--filter",
      `label=${TEST_LABEL}`,
      "--format",
      "{{.ID}}",
    ]);
    expect(listed.split("\n")).toContain(container.id);

    await container.remove();
    expect(await listTestContainers()).not.toContain(container.id);
    await expect(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3_000) })).rejects.toThrow();
  });

  it("serves a page from a container on the host network, listening on 127.0.0.1", async () => {
    const image = await ensureHttpdImage();
    const port = await freePort();
    const container = await runTestContainer({
      image,
      network: "host",
      env: { HTTPD_LISTEN: `127.0.0.1:${port}` },
    });
    expect(await page(`http://127.0.0.1:${port}/index.html`)).toBe(HTTPD_PAGE);
    await container.remove();
  });

  it("leaves none of this file's containers behind", async () => {
    await runTestContainer({ command: ["sleep", "300"] });
    expect(await listTestContainers({ all: false })).toHaveLength(1);
    await removeTestContainers();
    expect(await listTestContainers({ all: false })).toEqual([]);
  });
});
