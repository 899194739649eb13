// A shell on the host itself, through node-pty: root on the machine, so the portal allows it to
// admins only (action hosts.shell). Bytes in and out (encoding null): never decoded here.
// node-pty is a native addon loaded on the first host shell, not at start-up: a host whose addon
// does not load (another CPU architecture or C library than the bundle was built for, decision 028)
// still runs the agent, and its host shells answer with the reason instead.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import type { TerminalSize } from "@wheelhouse/shared";
import { ExitOnce, type TerminalSource } from "./terminal-source";

type NodePty = typeof import("node-pty");

/** Loads node-pty: through require, from node_modules beside this file (the bundle ships it there). */
export type NodePtyLoader = () => NodePty;

const requireHere = createRequire(import.meta.url);
const loadFromDisk: NodePtyLoader = () => requireHere("node-pty") as NodePty;

let loaded: { pty: NodePty } | { reason: string } | undefined;

/** node-pty, or an Error whose message says why host shells are unavailable. Tried once per process. */
export function nodePty(load: NodePtyLoader = loadFromDisk): NodePty {
  if (loaded === undefined) {
    try {
      loaded = { pty: load() };
    } catch (error) {
      const first = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 300);
      loaded = { reason: first ?? "unknown error" };
    }
  }
  if ("reason" in loaded) {
    throw new Error(
      `Host shells are unavailable on this host: the agent's terminal library (node-pty) did not load (${loaded.reason}). Container shells still work.`,
    );
  }
  return loaded.pty;
}

/** For tests: forget the outcome of the last load. */
export function forgetNodePty(): void {
  loaded = undefined;
}

function hostShell(): string {
  for (const candidate of ["/bin/bash", "/bin/sh"]) if (existsSync(candidate)) return candidate;
  throw new Error("This host has neither /bin/bash nor /bin/sh.");
}

export function openHostShell(size: TerminalSize): TerminalSource {
  const { spawn } = nodePty();
  const shell = hostShell();
  const pty = spawn(shell, ["-l"], {
    name: "xterm-256color",
    cols: size.cols,
    rows: size.rows,
    cwd: homedir(),
    env: { ...process.env, TERM: "xterm-256color" },
    // null: data events carry Buffers, so a character split between two reads is not mangled.
    encoding: null,
  });
  const exit = new ExitOnce();
  pty.onExit(({ exitCode }) => exit.fire(exitCode));
  return {
    command: [shell, "-l"],
    write: (data) => pty.write(data),
    resize: ({ cols, rows }) => {
      if (!exit.fired) pty.resize(cols, rows);
    },
    pause: () => pty.pause(),
    resume: () => pty.resume(),
    close: () => {
      if (!exit.fired) pty.kill("SIGHUP");
    },
    // With encoding null node-pty hands out Buffers, though its typings say string.
    onData: (listener) =>
      pty.onData((data: string | Buffer) => listener(typeof data === "string" ? Buffer.from(data) : data)),
    onExit: (listener) => exit.set(listener),
  };
}
