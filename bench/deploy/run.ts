// bench/deploy: the same zero-downtime deploy done by a shell script (script-deploy.sh: docker run
// → poll health → nginx reload → docker stop) and by Wheelhouse (portal → agent → Docker engine and
// the agent's managed nginx), alternated in one run on this machine, plus warm rollbacks.
// Targets (issue "Apps and releases…"): Wheelhouse wall time ≤ 1.1× the script's; warm rollback ≤ 1 s.
//   npm run bench -- deploy [ROUNDS]      (default 7)
// Each side's wall time runs from the request until the new version serves through nginx and the
// old container is gone (for Wheelhouse: the time its deployment log records that line). The test images stop on SIGTERM at once, so no grace period dominates.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Deployment } from "@wheelhouse/shared";
import { freePort } from "../../scripts/lib/free-port.ts";
import { ADMIN, setUpAdmin } from "../../tests/support/api-client.ts";
import { enrolHostWithNginx, LoadGenerator, removeAppContainers } from "../../tests/support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  removeContainersWithLabel,
  testAppImage,
  testAppPage,
  testContainerLabels,
} from "../../tests/support/docker.ts";
import { requestWithHost } from "../../tests/support/nginx.ts";
import { ANY_ERROR, repoRoot, startPortal } from "../../tests/support/portal.ts";
import { apiKeyFor } from "../../tests/support/rest-client.ts";
import { startBaselineNginx } from "./baseline-nginx.ts";

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 7);
const DOMAIN = "bench.test";
const POLL_MS = 10;
const WHEELHOUSE_POLL_MS = 100;
const images = [testAppImage("v1"), testAppImage("v2")];
const pages = [testAppPage("v1"), testAppPage("v2")];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all((["v1", "v2"] as const).map(ensureTestAppImage));
  const portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  const host = await enrolHostWithNginx(admin, portal.url, "bench-host");
  const rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  const baseline = startBaselineNginx(await freePort(), DOMAIN);
  const labels = Object.entries(testContainerLabels()).map(([key, value]) => `${key}=${value}`);
  let scriptContainer = "-";

  const scriptDeploy = async (index: number, drain: boolean) => {
    const started = performance.now();
    const { stdout } = await run(
      "bash",
      [
        join(repoRoot, "bench", "deploy", "script-deploy.sh"),
        images[index % 2] ?? "",
        "8080",
        baseline.prefix,
        scriptContainer,
        ...labels,
      ],
      { env: { ...process.env, DRAIN: drain ? "1" : "0" } },
    );
    // nginx -s reload only signals: the deploy is done when the new version answers.
    while ((await requestWithHost(baseline.port, DOMAIN)).body !== pages[index % 2]) await sleep(POLL_MS);
    scriptContainer = stdout.trim();
    return performance.now() - started;
  };

  // The deployment's own log says when each step happened (the portal's clock, which is this
  // machine's): the end is the time of its "previous instance(s) stopped" line, not the moment a
  // poll noticed it, so the poll can be unhurried and does not load the portal it measures.
  const wheelhouseDeploy = async (started: number, request: Promise<{ deployment: Deployment }>, page: string) => {
    const { deployment } = await request;
    const since = (line: { at: string }) => Date.parse(line.at) - started;
    for (;;) {
      const log = await rest.call<{ lines: { at: string; text: string }[] }>(
        "GET",
        `/deployments/${deployment.id}/log?after=0`,
      );
      const lines = log.body.lines;
      if (lines.some((line) => /Failed:/.test(line.text)))
        throw new Error(`deployment failed:\n${lines.map((l) => l.text).join("\n")}`);
      const stopped = lines.find((line) => /previous instance\(s\) stopped/.test(line.text));
      if (stopped) {
        if ((await requestWithHost(host.nginxPort, DOMAIN)).body !== page)
          throw new Error("nginx does not serve the new version");
        if (process.env.BENCH_VERBOSE) {
          for (const line of lines) process.stdout.write(`  +${since(line)} ms ${line.text}\n`);
        }
        const live = lines.find((line) => /nginx now sends/.test(line.text));
        return { done: since(stopped), live: live ? since(live) : Number.NaN };
      }
      await sleep(WHEELHOUSE_POLL_MS);
    }
  };
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const result = await rest.call<T>(method, path, body);
    if (result.status !== 200) throw new Error(`${method} ${path}: ${JSON.stringify(result.body)}`);
    return result.body;
  };

  try {
    await call("POST", "/apps", {
      name: "bench",
      image: images[0],
      // The bench's images are built on this engine, in no registry: local images only.
      pullPolicy: "never",
      port: 8080,
      domains: [DOMAIN],
      healthTimeoutSeconds: 30,
    });
    // One warm-up deploy each, so images, nginx and the database are warm on both sides.
    await scriptDeploy(0, false);
    await wheelhouseDeploy(Date.now(), call("POST", "/apps/bench/deployments", { image: images[0] }), pages[0] ?? "");

    const script: number[] = [];
    const drained: number[] = [];
    const wheelhouse: number[] = [];
    const failed = { script: 0, drained: 0, wheelhouse: 0 };
    const requests = { script: 0, drained: 0, wheelhouse: 0 };
    const underLoad = async <T>(port: number, side: keyof typeof failed, work: () => Promise<T>) => {
      const load = new LoadGenerator(port, DOMAIN, 2);
      try {
        return await work();
      } finally {
        const report = await load.stop();
        failed[side] += report.failed;
        requests[side] += report.total;
      }
    };
    let index = 0;
    for (let round = 1; round <= rounds; round += 1) {
      index += 1;
      script.push(await underLoad(baseline.port, "script", () => scriptDeploy(index, false)));
      index += 1;
      drained.push(await underLoad(baseline.port, "drained", () => scriptDeploy(index, true)));
      const page = pages[round % 2] ?? "";
      const result = await underLoad(host.nginxPort, "wheelhouse", () =>
        wheelhouseDeploy(Date.now(), call("POST", "/apps/bench/deployments", { image: images[round % 2] }), page),
      );
      wheelhouse.push(result.done);
      process.stdout.write(
        `round ${round}: script ${script.at(-1)?.toFixed(0)} ms, script+drain ${drained.at(-1)?.toFixed(0)} ms, Wheelhouse ${result.done.toFixed(0)} ms (Live after ${result.live.toFixed(0)} ms)\n`,
      );
    }

    // Warm rollbacks: alternate between the two newest releases; both images are on the host.
    const rollbackLive: number[] = [];
    const rollbackDone: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const { releases } = await call<{ releases: { number: number; live: boolean; imageRef: string }[] }>(
        "GET",
        "/apps/bench/releases",
      );
      const target = releases.find((r) => !r.live);
      if (!target) throw new Error("no release to roll back to");
      const page = target.imageRef === images[0] ? pages[0] : pages[1];
      const result = await wheelhouseDeploy(
        Date.now(),
        call("POST", "/apps/bench/rollback", { releaseNumber: target.number }),
        page ?? "",
      );
      rollbackLive.push(result.live);
      rollbackDone.push(result.done);
    }

    const ratio = median(wheelhouse) / median(script);
    const drainRatio = median(wheelhouse) / median(drained);
    const row = (name: string, values: number[], failures?: number, total?: number) =>
      `${name.padEnd(40)}${[median(values), Math.min(...values), Math.max(...values)]
        .map((v) => v.toFixed(0).padStart(8))
        .join("")}${failures === undefined ? "" : `${failures} of ${total}`.padStart(18)}\n`;
    process.stdout.write(`\nbench/deploy, ${rounds} rounds alternated (wall time until the old container is gone)\n`);
    process.stdout.write(
      `${"".padEnd(40)}${["median", "min", "max"].map((h) => h.padStart(8)).join("")}${"failed requests".padStart(18)}\n`,
    );
    process.stdout.write(row("script: run, health, reload, stop (ms)", script, failed.script, requests.script));
    process.stdout.write(row("script + wait for nginx drain (ms)", drained, failed.drained, requests.drained));
    process.stdout.write(row("Wheelhouse deploy (ms)", wheelhouse, failed.wheelhouse, requests.wheelhouse));
    process.stdout.write(row("warm rollback to Live (ms)", rollbackLive));
    process.stdout.write(row("warm rollback, old stopped (ms)", rollbackDone));
    process.stdout.write(
      `\nWheelhouse / script: ${ratio.toFixed(2)}× (target ≤ 1.1 ${ratio <= 1.1 ? "✓" : "✗"}); Wheelhouse / script with drain: ${drainRatio.toFixed(2)}×; warm rollback to Live ${median(rollbackLive).toFixed(0)} ms (target ≤ 1000 ${median(rollbackLive) <= 1000 ? "✓" : "✗"})\n`,
    );
  } finally {
    if (scriptContainer !== "-") await run("docker", ["rm", "-f", scriptContainer]).catch(() => undefined);
    baseline.stop();
    await host.tearDown();
    await removeAppContainers();
    await removeContainersWithLabel(labels[1] ?? "wheelhouse.test.owner=none");
    await portal.stop({ expectedErrors: ANY_ERROR });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/deploy failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
