// A shell on the host itself, through node-pty: root on the machine, so the portal allows it to
// admins only (action hosts.shell). Bytes in and out (encoding null): never decoded here.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import type { TerminalSize } from "@wheelhouse/shared";
import { spawn } from "node-pty";
import { ExitOnce, type TerminalSource } from "./terminal-source";

function hostShell(): string {
  for (const candidate of ["/bin/bash", "/bin/sh"]) if (existsSync(candidate)) return candidate;
  throw new Error("This host has neither /bin/bash nor /bin/sh.");
}

export function openHostShell(size: TerminalSize): TerminalSource {
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
