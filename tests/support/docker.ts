// Helpers for integration tests that use the real Docker engine on this machine (started by
// scripts/system/docker-engine.sh; npm test does it). No image can be pulled here, so test images
// are built locally from Debian's busybox-static. Tests reach containers only through 127.0.0.1
// (host networking, or ports published on 127.0.0.1), never through a container's own address.
// Everything created here carries the label `wheelhouse.test=1`, so it can always be found and removed.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The label every test image and container carries (a container also inherits it from a test image). */
export const TEST_LABEL = "wheelhouse.test=1";

/** Tags of the locally built test images; bump the version when a recipe below changes. */
export const BASE_IMAGE = "wheelhouse-test/busybox:1";
export const HTTPD_IMAGE = "wheelhouse-test/busybox-httpd:1";

/** The page the httpd image serves at `/` (and `/index.html`). */
export const HTTPD_PAGE = "wheelhouse test page\n";

/** The port the httpd image listens on inside its container unless HTTPD_LISTEN says otherwise. */
export const HTTPD_PORT = 8080;

const BUSYBOX = "/bin/busybox";
// No wget: Debian 12's busybox-static wget segfaults (on the host too). Tests fetch through 127.0.0.1.
const APPLETS = ["sh", "ash", "httpd", "echo", "cat", "sleep", "ls", "env", "true", "false", "mkdir", "rm"];

// Containers started by this test file (each vitest file runs in its own module scope) carry this
// too, so one file's clean-up never removes another file's containers while both run.
const OWNER_LABEL_KEY = "wheelhouse.test.owner";
const owner = `${process.pid}-${randomBytes(4).toString("hex")}`;

/** Runs `docker ARGS…` (an argument array, no shell) and resolves with its trimmed stdout; rejects with its stderr. */
export function runDocker(args: string[], { timeoutMs = 120_000 }: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "docker",
      args,
      { encoding: "utf8", timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`docker ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** True when a Docker engine answers `docker info` within 10 s. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await runDocker(["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function imageExists(tag: string): Promise<boolean> {
  try {
    await runDocker(["image", "inspect", "--format", "{{.Id}}", tag]);
    return true;
  } catch {
    return false;
  }
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: "utf8" }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

const building = new Map<string, Promise<string>>();

/** Builds an image once per process (and only when the engine lacks its tag); resolves with the tag. */
function once(tag: string, build: () => Promise<void>): Promise<string> {
  let pending = building.get(tag);
  if (!pending) {
    pending = (async () => {
      if (!(await imageExists(tag))) await build();
      return tag;
    })();
    // A failed build is retried by the next caller rather than remembered.
    pending.catch(() => building.delete(tag));
    building.set(tag, pending);
  }
  return pending;
}

/** The base test image (busybox-static and a few applets, `docker import`ed); resolves with its tag. */
export function ensureTestImage(): Promise<string> {
  return once(BASE_IMAGE, async () => {
    if (!existsSync(BUSYBOX)) {
      throw new Error(
        `${BUSYBOX} is missing: install Debian's busybox-static (scripts/system/ensure-debian-packages.sh test).`,
      );
    }
    const dir = mkdtempSync(join(tmpdir(), "wheelhouse-rootfs-"));
    try {
      const rootfs = join(dir, "rootfs");
      for (const sub of ["bin", "tmp", "www"]) mkdirSync(join(rootfs, sub), { recursive: true });
      await copyFile(BUSYBOX, join(rootfs, "bin", "busybox"));
      for (const applet of APPLETS) symlinkSync("busybox", join(rootfs, "bin", applet));
      const archive = join(dir, "rootfs.tar");
      await run("tar", ["-C", rootfs, "--owner=0", "--group=0", "--numeric-owner", "-cf", archive, "."]);
      await runDocker([
        "import",
        "--change",
        `LABEL ${TEST_LABEL}`,
        "--change",
        "ENV PATH=/bin",
        "--change",
        'CMD ["/bin/sh"]',
        archive,
        BASE_IMAGE,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** An image FROM the base whose default command serves HTTPD_PAGE with `httpd -f -p $HTTPD_LISTEN` (default 8080). */
export function ensureHttpdImage(): Promise<string> {
  return once(HTTPD_IMAGE, async () => {
    const base = await ensureTestImage();
    const dir = mkdtempSync(join(tmpdir(), "wheelhouse-build-"));
    try {
      writeFileSync(join(dir, "index.html"), HTTPD_PAGE);
      writeFileSync(
        join(dir, "Dockerfile"),
        [
          `FROM ${base}`,
          `LABEL ${TEST_LABEL}`,
          "COPY index.html /www/index.html",
          // "[ADDRESS:]PORT"; with host networking pass 127.0.0.1:PORT so it listens on loopback only.
          `ENV HTTPD_LISTEN=${HTTPD_PORT}`,
          `EXPOSE ${HTTPD_PORT}`,
          // Shell form so $HTTPD_LISTEN is expanded; exec keeps httpd as PID 1.
          'CMD exec httpd -f -v -p "$HTTPD_LISTEN" -h /www',
          "",
        ].join("\n"),
      );
      await runDocker(["build", "--quiet", "--label", TEST_LABEL, "--tag", HTTPD_IMAGE, dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * What the test app images do: two versions that serve, one that crashes at once, one without
 * /health, and one built like seed 000's framework ("probes"): its probes on a port of their own.
 */
export type TestAppVariant = "v1" | "v2" | "crash" | "unhealthy" | "probes";

/** Tags are `<variant>-<recipe version>`; bump APP_RECIPE when a recipe below changes. */
const APP_REPOSITORY = "wheelhouse-test/app";
const APP_RECIPE = 2;

/** The tag of a test app image (whether or not it is built yet). */
export function testAppImage(variant: TestAppVariant): string {
  return `${APP_REPOSITORY}:${variant}-${APP_RECIPE}`;
}

/** What a serving test app answers at `/`. */
export function testAppPage(variant: TestAppVariant): string {
  return `version ${variant}\n`;
}

/** The line the crash variant writes to stderr before it exits with TEST_APP_CRASH_CODE. */
export const TEST_APP_CRASH_LINE = "fatal: DATABASE_URL is not set";
export const TEST_APP_CRASH_CODE = 3;

/** A shell command that writes the pages and serves them with busybox httpd on $PORT (as PID 1). */
function serveCommand(variant: TestAppVariant, withHealth: boolean): string {
  const prepare = [
    `echo "starting version ${variant} on port $PORT"`,
    ...(withHealth ? ["echo ok > /www/health"] : []),
    `echo "version ${variant}" > /www/index.html`,
  ].join(" && ");
  // httpd as PID 1 would ignore SIGTERM (the kernel drops signals PID 1 has no handler for), so
  // every stop would wait out the engine's grace period: the shell stays PID 1, traps it and exits.
  return `${prepare} || exit 1; trap 'exit 0' TERM; httpd -f -v -p "$PORT" -h /www & wait`;
}

/** The probe port of the "probes" variant, serving /live, /ready and /metrics (seed 000's layout). */
export const TEST_APP_PROBE_PORT = 9090;
/** A metric line the "probes" variant serves at /metrics on its probe port. */
export const TEST_APP_METRIC = "test_app_up 1";

/**
 * The "probes" variant: the app on $PORT (/ and /health), and a second httpd on TEST_APP_PROBE_PORT
 * with /live, /ready and /metrics. A test makes a probe fail by deleting its file in the container
 * (`docker exec … rm /probes/ready`) and heals it by writing it back.
 */
function probesCommand(): string {
  const prepare = [
    'echo "starting version probes on port $PORT"',
    "mkdir -p /probes",
    "echo ok > /www/health",
    'echo "version probes" > /www/index.html',
    "echo ok > /probes/live",
    "echo ok > /probes/ready",
    `echo "${TEST_APP_METRIC}" > /probes/metrics`,
  ].join(" && ");
  return `${prepare} || exit 1; trap 'exit 0' TERM; httpd -f -p ${TEST_APP_PROBE_PORT} -h /probes & httpd -f -v -p "$PORT" -h /www & wait`;
}

const APP_COMMANDS: Record<TestAppVariant, string> = {
  v1: serveCommand("v1", true),
  v2: serveCommand("v2", true),
  crash: `echo "starting version crash" && echo "${TEST_APP_CRASH_LINE}" >&2 && exit ${TEST_APP_CRASH_CODE}`,
  unhealthy: serveCommand("unhealthy", false),
  probes: probesCommand(),
};

/**
 * A test app image FROM the base: on start it writes /www/health ("ok") and /www/index.html
 * (testAppPage) and serves them on $PORT, as Wheelhouse runs apps. Each variant has its own image id.
 * Like the base images these are shared by every test file and stay on the engine between runs.
 */
export function ensureTestAppImage(variant: TestAppVariant): Promise<string> {
  const tag = testAppImage(variant);
  return once(tag, async () => {
    const base = await ensureTestImage();
    await buildImage(tag, [
      `FROM ${base}`,
      `LABEL ${TEST_LABEL} wheelhouse.test.app=${variant}`,
      // Shell form so $PORT is expanded when the container starts.
      `CMD ${APP_COMMANDS[variant]}`,
    ]);
  });
}

/** Builds a Dockerfile (no context files) into `tag`, labelled TEST_LABEL. */
async function buildImage(tag: string, dockerfile: string[], labels: Record<string, string> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wheelhouse-build-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), `${dockerfile.join("\n")}\n`);
    const labelArgs = Object.entries(labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
    await runDocker(["build", "--quiet", "--label", TEST_LABEL, ...labelArgs, "--tag", tag, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An image with an id of its own, owned by this test file (removeTestImages removes it): for tests
 * that delete images. Resolves with its tag.
 */
export async function buildThrowawayImage(): Promise<string> {
  const nonce = randomBytes(6).toString("hex");
  const tag = `wheelhouse-test/throwaway:${owner}-${nonce}`;
  const base = await ensureTestImage();
  await buildImage(tag, [`FROM ${base}`, `LABEL wheelhouse.test.nonce=${nonce}`], { [OWNER_LABEL_KEY]: owner });
  return tag;
}

/**
 * A test app image (testAppImage's `variant`, serving its page) with an id of its own, owned by this
 * test file: for tests that push, re-tag or untag it without touching the shared test images.
 * Resolves with its tag.
 */
export async function buildOwnAppImage(variant: TestAppVariant): Promise<string> {
  const nonce = randomBytes(6).toString("hex");
  const tag = `wheelhouse-test/own-app:${variant}-${owner}-${nonce}`;
  const base = await ensureTestAppImage(variant);
  await buildImage(tag, [`FROM ${base}`, `LABEL wheelhouse.test.nonce=${nonce}`], { [OWNER_LABEL_KEY]: owner });
  return tag;
}

/** Removes the images this test file made (buildThrowawayImage), after its containers are gone. */
export async function removeTestImages(): Promise<void> {
  const out = await runDocker([
    "image",
    "ls",
    "--quiet",
    "--no-trunc",
    "--filter",
    `label=${OWNER_LABEL_KEY}=${owner}`,
  ]);
  const ids = [...new Set(out.split("\n").filter(Boolean))];
  if (ids.length > 0) await runDocker(["image", "rm", "--force", ...ids]);
}

/**
 * Labels to pass where code under test creates containers itself (the agent's settings.extraLabels):
 * TEST_LABEL and this file's owner label, so removeTestContainers finds them.
 */
export function testContainerLabels(): Record<string, string> {
  const [key = "", value = ""] = TEST_LABEL.split("=");
  return { [key]: value, [OWNER_LABEL_KEY]: owner };
}

/** Force-removes every container (running or not) carrying `label` ("key" or "key=value"). */
export async function removeContainersWithLabel(label: string): Promise<void> {
  const out = await runDocker(["ps", "--all", "--quiet", "--no-trunc", "--filter", `label=${label}`]);
  const ids = out.split("\n").filter(Boolean);
  if (ids.length > 0) await runDocker(["rm", "--force", "--volumes", ...ids]);
}

export interface TestContainerOptions {
  /** Defaults to the base test image (ensureTestImage). */
  image?: string;
  /** Replaces the image's default command. */
  command?: string[];
  env?: Record<string, string>;
  /** "bridge" (Docker's default, needed for `publish`), "host" (share the host's loopback) or "none". */
  network?: "bridge" | "host" | "none";
  /** Ports published on 127.0.0.1 only: 127.0.0.1:hostPort → containerPort. */
  publish?: { hostPort: number; containerPort: number }[];
  name?: string;
  /** Extra labels; TEST_LABEL is always added. */
  labels?: Record<string, string>;
}

export interface TestContainer {
  id: string;
  /** The container's output so far (stdout and stderr). */
  logs(): Promise<string>;
  /** Removes the container (force), whatever its state. */
  remove(): Promise<void>;
}

/** Starts a detached container labelled TEST_LABEL (and this file's owner label); resolves once Docker has started it. */
export async function runTestContainer(options: TestContainerOptions = {}): Promise<TestContainer> {
  const image = options.image ?? (await ensureTestImage());
  if (options.publish?.length && options.network && options.network !== "bridge") {
    throw new Error(`ports cannot be published with network "${options.network}"`);
  }
  const args = ["run", "--detach", "--label", TEST_LABEL, "--label", `${OWNER_LABEL_KEY}=${owner}`];
  for (const [key, value] of Object.entries(options.labels ?? {})) args.push("--label", `${key}=${value}`);
  if (options.name) args.push("--name", options.name);
  if (options.network) args.push("--network", options.network);
  for (const { hostPort, containerPort } of options.publish ?? []) {
    args.push("--publish", `127.0.0.1:${hostPort}:${containerPort}`);
  }
  for (const [key, value] of Object.entries(options.env ?? {})) args.push("--env", `${key}=${value}`);
  args.push(image, ...(options.command ?? []));
  const id = await runDocker(args);
  return {
    id,
    logs: () =>
      new Promise((resolve) => {
        execFile("docker", ["logs", id], { encoding: "utf8" }, (_error, stdout, stderr) => resolve(stdout + stderr));
      }),
    remove: async () => {
      await runDocker(["rm", "--force", "--volumes", id]);
    },
  };
}

/** IDs of the containers (running or not) with TEST_LABEL; `all: false` keeps only this file's. */
export async function listTestContainers({ all = true }: { all?: boolean } = {}): Promise<string[]> {
  const filters = ["--filter", `label=${TEST_LABEL}`];
  if (!all) filters.push("--filter", `label=${OWNER_LABEL_KEY}=${owner}`);
  const out = await runDocker(["ps", "--all", "--quiet", "--no-trunc", ...filters]);
  return out.split("\n").filter(Boolean);
}

/** Force-removes containers with TEST_LABEL: this file's by default (files run in parallel), every one with `all: true`. */
export async function removeTestContainers({ all = false }: { all?: boolean } = {}): Promise<void> {
  const ids = await listTestContainers({ all });
  if (ids.length > 0) await runDocker(["rm", "--force", "--volumes", ...ids]);
}
