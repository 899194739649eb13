// Shells and commands inside a container through the engine API (dockerode): an exec with a TTY,
// its hijacked stream for both directions, and resize through the API. Commands are argument
// lists handed to the engine as they are: no docker CLI, no shell string built from input.
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_SHELLS, EXEC_OUTPUT_MAX_BYTES, type TerminalSize } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { FrameDemuxer } from "../docker/frame-demuxer";
import { ExitOnce, type TerminalSource } from "./terminal-source";

/** How long a process gets after SIGHUP before SIGKILL when its session is closed. */
const KILL_GRACE_MS = 2_000;

/** The first of the default shells that exists in the container (a HEAD on its archive API: nothing runs). */
async function findShell(container: Docker.Container): Promise<string[]> {
  for (const shell of DEFAULT_SHELLS) {
    try {
      await container.infoArchive({ path: shell });
      return [shell];
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404) throw error;
    }
  }
  throw new Error(`No shell in this container (tried ${DEFAULT_SHELLS.join(", ")}). Give a command to run instead.`);
}

/**
 * The engine cannot kill an exec, and closing its stream does not always end it (moby #9098). The
 * exec's Pid is a process of this host: the agent ends it itself, politely first. An agent without
 * access to that PID namespace logs the failure; the process then ends with the container.
 */
async function endExecProcess(exec: Docker.Exec): Promise<void> {
  const info = await exec.inspect();
  if (!info.Running || !info.Pid) return;
  try {
    process.kill(info.Pid, "SIGHUP");
  } catch {
    return;
  }
  const deadline = Date.now() + KILL_GRACE_MS;
  while (Date.now() < deadline) {
    await sleep(100);
    if (!(await exec.inspect()).Running) return;
  }
  try {
    process.kill(info.Pid, "SIGKILL");
  } catch {
    // Gone between the inspect and the kill.
  }
}

async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  // The engine may report Running for a moment after the stream ends.
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? null;
    await sleep(50);
  }
  return null;
}

export async function openContainerShell(
  docker: Docker,
  containerId: string,
  command: string[] | undefined,
  size: TerminalSize,
  onProblem: (error: unknown, what: string) => void,
): Promise<TerminalSource> {
  const container = docker.getContainer(containerId);
  const argv = command ?? (await findShell(container));
  const exec = await container.exec({
    Cmd: argv,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ["TERM=xterm-256color"],
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const exit = new ExitOnce();
  let closing = false;
  const resize = (next: TerminalSize) => {
    exec.resize({ h: next.rows, w: next.cols }).catch((error: unknown) => {
      // A resize racing the process's exit is refused by the engine: not worth a warning then.
      if (!exit.fired && !closing) onProblem(error, "resize");
    });
  };
  resize(size);
  const finish = () => {
    exitCodeOf(exec).then(
      (code) => exit.fire(code),
      (error: unknown) => exit.fire(null, `Could not read the exit code: ${(error as Error).message}`),
    );
  };
  stream.once("end", finish);
  stream.once("close", finish);
  stream.once("error", (error: Error) => {
    if (!closing) onProblem(error, "exec stream");
    finish();
  });
  return {
    command: argv,
    write: (data) => {
      if (!stream.destroyed) stream.write(data);
    },
    resize,
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    close: () => {
      if (closing) return;
      closing = true;
      stream.resume();
      stream.end();
      endExecProcess(exec)
        .catch((error: unknown) => onProblem(error, "end exec"))
        .finally(() => stream.destroy());
    },
    onData: (listener) => stream.on("data", (chunk: Buffer) => listener(chunk)),
    onExit: (listener) => exit.set(listener),
  };
}

/** Collects a stream's bytes up to a cap; what is over the cap is counted, not kept. */
class CappedSink {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  add(chunk: Buffer): void {
    const room = EXEC_OUTPUT_MAX_BYTES - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  base64(): string {
    return Buffer.concat(this.chunks).toString("base64");
  }
}

/** Runs a command without a TTY (the CLI's `wheelhouse exec`) and returns its exit code and output. */
export async function runContainerCommand(
  docker: Docker,
  containerId: string,
  command: string[],
  timeoutMs: number,
): Promise<{ exitCode: number; stdout: string; stderr: string; truncated: boolean }> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: command,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new CappedSink();
  const stderr = new CappedSink();
  const ended = new Promise<void>((resolve, reject) => {
    const demuxer = new FrameDemuxer((isErr, payload) => (isErr ? stderr : stdout).add(payload));
    stream.on("data", (chunk: Buffer) => demuxer.push(chunk));
    stream.once("end", () => {
      demuxer.end();
      resolve();
    });
    stream.once("close", resolve);
    stream.once("error", reject);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    if ((await Promise.race([ended, timedOut])) === "timeout") {
      await endExecProcess(exec);
      stream.destroy();
      throw new Error(`${command[0]} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`);
    }
  } finally {
    clearTimeout(timer);
  }
  const exitCode = await exitCodeOf(exec);
  if (exitCode === null) throw new Error("The engine did not report the command's exit code.");
  return {
    exitCode,
    stdout: stdout.base64(),
    stderr: stderr.base64(),
    truncated: stdout.truncated || stderr.truncated,
  };
}
