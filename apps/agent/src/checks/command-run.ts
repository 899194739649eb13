// command.run: an admin-written argument list, on the host or in the app's first container, never a
// shell string (docs/decisions/033-check-catalogue.md). Pass when it exits with the expected code;
// the output is kept up to the catalogue's cap and the rest of it is drained, not buffered.
import { spawn } from "node:child_process";
import { CHECK_OUTPUT_MAX_BYTES, type CheckParams } from "@wheelhouse/shared";
import { runContainerCommand } from "../terminal/container-exec";
import { type CheckContext, type CheckDraft, requireApp, shortId } from "./check-result";

type Params = CheckParams<"command.run">;

interface CommandOutcome {
  exitCode: number | null;
  signal: string | null;
  output: string;
  timedOut: boolean;
}

/** Runs argv on the host (execFile semantics: no shell), output of both streams interleaved and capped. */
export function runOnHost(argv: readonly string[], timeoutMs: number): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (!file) {
      reject(new Error("An empty command."));
      return;
    }
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], shell: false });
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (chunk: Buffer) => {
      if (size >= CHECK_OUTPUT_MAX_BYTES) return;
      chunks.push(chunk.subarray(0, CHECK_OUTPUT_MAX_BYTES - size));
      size += chunk.length;
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === "ENOENT" ? new Error(`${file} is not installed on this host (not found on PATH).`) : error);
    });
    child.once("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, output: Buffer.concat(chunks).toString("utf8"), timedOut });
    });
  });
}

async function runInContainer(context: CheckContext, params: Params): Promise<CommandOutcome & { where: string }> {
  const app = requireApp(context, "command.run");
  const first = app.instances[0];
  if (!first) throw new Error(`${app.appName} has no container on this host to run ${params.argv[0]} in.`);
  const where = `container ${shortId(first.containerId)}`;
  try {
    const run = await runContainerCommand(context.docker, first.containerId, params.argv, params.timeoutSeconds * 1000);
    const output = `${Buffer.from(run.stdout, "base64").toString("utf8")}${Buffer.from(run.stderr, "base64").toString("utf8")}`;
    return { exitCode: run.exitCode, signal: null, output, timedOut: false, where };
  } catch (error) {
    if (/did not finish within/.test((error as Error).message))
      return { exitCode: null, signal: null, output: "", timedOut: true, where };
    throw error;
  }
}

export async function commandRun(context: CheckContext, params: Params): Promise<CheckDraft> {
  const outcome =
    params.where === "host"
      ? { ...(await runOnHost(params.argv, params.timeoutSeconds * 1000)), where: "this host" }
      : await runInContainer(context, params);
  const shown = params.argv.join(" ");
  const facts = {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    where: outcome.where,
  };
  const lastLine = outcome.output.trim().split("\n").at(-1) ?? "";
  const tail = lastLine ? `; last line: ${lastLine}` : "";
  if (outcome.timedOut)
    return {
      outcome: "fail",
      finding: `${shown} on ${outcome.where} did not finish within ${params.timeoutSeconds} s and was stopped`,
      output: outcome.output,
      facts,
    };
  if (outcome.exitCode !== params.expectExitCode)
    return {
      outcome: "fail",
      finding: `${shown} on ${outcome.where} exited with ${outcome.exitCode ?? `signal ${outcome.signal}`}, expected ${params.expectExitCode}${tail}`,
      output: outcome.output,
      facts,
    };
  return {
    outcome: "pass",
    finding: `${shown} on ${outcome.where} exited with ${outcome.exitCode}${tail}`,
    output: outcome.output,
    facts,
  };
}
