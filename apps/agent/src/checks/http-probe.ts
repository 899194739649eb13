// http.probe: one URL, or the app's readiness/liveness/metrics path on every instance of this host
// (through the 127.0.0.1 port the engine publishes), with status, latency and an optional body
// match. The finding names the instance that fails, since one bad replica hides behind good ones.
import type { CheckParams } from "@wheelhouse/shared";
import { type CheckContext, type CheckDraft, messageOf, requireApp, shortId } from "./check-result";

/** Bodies are read up to this size: enough for a health page or a metrics sample. */
const BODY_MAX_BYTES = 16 * 1024;

type Params = CheckParams<"http.probe">;

interface ProbeTarget {
  /** "instance 0123456789ab" or the URL itself. */
  label: string;
  url: string;
}

export interface ProbeAnswer {
  label: string;
  url: string;
  status: number | null;
  latencyMs: number;
  body: string;
  /** Null when the answer is as expected. */
  problem: string | null;
}

/** Whether a status is what the step expects ("2xx-3xx", "5xx" or one code). */
export function statusExpected(status: number, expect: Params["expectStatus"]): boolean {
  if (typeof expect === "number") return status === expect;
  if (expect === "2xx-3xx") return status >= 200 && status < 400;
  const hundred = Number(expect[0]) * 100;
  return status >= hundred && status < hundred + 100;
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < BODY_MAX_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  // The rest is not needed: stop the download rather than buffer it.
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, BODY_MAX_BYTES).toString("utf8");
}

/** The network error's cause (ECONNREFUSED, a timeout) as a few words. */
function failureWords(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return `did not answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return "refused the connection (nothing listens there)";
  if (cause?.code === "ECONNRESET") return "closed the connection without answering";
  return `could not be reached: ${cause?.message ?? messageOf(error)}`;
}

export async function probeOnce(target: ProbeTarget, params: Params): Promise<ProbeAnswer> {
  const started = performance.now();
  try {
    const response = await fetch(target.url, {
      redirect: "manual",
      signal: AbortSignal.timeout(params.timeoutMs),
      headers: { "user-agent": "wheelhouse-agent check" },
    });
    const body = await readCapped(response);
    const latencyMs = Math.round(performance.now() - started);
    let problem: string | null = null;
    if (!statusExpected(response.status, params.expectStatus))
      problem = `answered ${response.status}, expected ${params.expectStatus}`;
    else if (params.maxLatencyMs !== undefined && latencyMs > params.maxLatencyMs)
      problem = `answered in ${latencyMs} ms, slower than ${params.maxLatencyMs} ms`;
    // The pattern is the runbook author's (bounded to 200 characters), run over at most 16 KiB.
    else if (params.bodyMatch !== undefined && !new RegExp(params.bodyMatch).test(body))
      problem = `answered ${response.status} but the body does not match /${params.bodyMatch}/`;
    return { ...target, status: response.status, latencyMs, body, problem };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    return { ...target, status: null, latencyMs, body: "", problem: failureWords(error, params.timeoutMs) };
  }
}

function appTargets(context: CheckContext, params: Params): { targets: ProbeTarget[]; skipped: string[] } {
  const app = requireApp(context, "http.probe");
  const path =
    params.target === "app-liveness"
      ? app.livenessPath
      : params.target === "app-metrics"
        ? app.metricsPath
        : app.readinessPath;
  if (path === null)
    throw new Error(
      `${app.appName} has no ${params.target === "app-liveness" ? "liveness" : "metrics"} path; set it in the app's settings or probe a URL instead.`,
    );
  const targets: ProbeTarget[] = [];
  const skipped: string[] = [];
  for (const instance of app.instances) {
    const port =
      params.target === "app-metrics"
        ? (instance.metricsHostPort ?? instance.probeHostPort ?? instance.hostPort)
        : (instance.probeHostPort ?? instance.hostPort);
    if (port === null) skipped.push(`instance ${shortId(instance.containerId)} publishes no port to probe`);
    else targets.push({ label: `instance ${shortId(instance.containerId)}`, url: `http://127.0.0.1:${port}${path}` });
  }
  return { targets, skipped };
}

/** "2 of 3 instances fail: instance 0123456789ab (http://…/ready) answered 503, expected 2xx-3xx". */
export function probeSentence(answers: readonly ProbeAnswer[], what: string): string {
  const failed = answers.filter((answer) => answer.problem !== null);
  if (failed.length === 0) {
    const slowest = Math.max(...answers.map((answer) => answer.latencyMs));
    const statuses = [...new Set(answers.map((answer) => answer.status))].join("/");
    const [only] = answers;
    if (answers.length === 1 && only)
      return only.label === only.url
        ? `${what} answered ${statuses} in ${slowest} ms`
        : `${only.label} answered ${statuses} on ${what} in ${slowest} ms`;
    return `all ${answers.length} instances answered ${statuses} on ${what} (slowest ${slowest} ms)`;
  }
  const each = failed.map((answer) => `${answer.label} (${answer.url}) ${answer.problem}`).join("; ");
  if (answers.length === 1) return each;
  return `${failed.length} of ${answers.length} instances fail: ${each}`;
}

export async function httpProbe(context: CheckContext, params: Params): Promise<CheckDraft> {
  const { targets, skipped } = params.url
    ? { targets: [{ label: params.url, url: params.url }], skipped: [] }
    : appTargets(context, params);
  if (targets.length === 0) {
    const why = skipped.length > 0 ? `: ${skipped.join("; ")}` : "";
    return { outcome: "fail", finding: `the app has no running instance on this host to probe${why}`, facts: {} };
  }
  const answers = await Promise.all(targets.map((target) => probeOnce(target, params)));
  const what = params.url ?? new URL(targets[0]?.url ?? "http://x/").pathname;
  const output = answers
    .map(
      (answer) =>
        `${answer.label} ${answer.url}: ${answer.status ?? "no answer"} in ${answer.latencyMs} ms${answer.problem ? ` (${answer.problem})` : ""}\n${answer.body.slice(0, 2_000)}`,
    )
    .concat(skipped)
    .join("\n\n");
  return {
    outcome: answers.some((answer) => answer.problem !== null) ? "fail" : "pass",
    finding: probeSentence(answers, what),
    output,
    facts: {
      probes: answers.map(({ label, url, status, latencyMs, problem }) => ({ label, url, status, latencyMs, problem })),
    },
  };
}
