import { afterEach, describe, expect, it } from "vitest";
import { forgetNodePty, nodePty, openHostShell } from "./host-pty";

describe("host shells without node-pty", () => {
  afterEach(() => forgetNodePty());

  it("say why they are unavailable, and keep saying it without loading again", () => {
    let attempts = 0;
    const failing = () => {
      attempts += 1;
      throw new Error("Cannot find module 'node-pty'\nRequire stack: …");
    };
    expect(() => nodePty(failing)).toThrow(
      "Host shells are unavailable on this host: the agent's terminal library (node-pty) did not load (Cannot find module 'node-pty'). Container shells still work.",
    );
    // openHostShell uses the outcome already known rather than trying the addon again.
    expect(() => openHostShell({ cols: 80, rows: 24 })).toThrow(/Host shells are unavailable on this host/);
    expect(attempts).toBe(1);
  });

  it("open a real shell when node-pty loads", async () => {
    const shell = openHostShell({ cols: 80, rows: 24 });
    const exited = new Promise<number | null>((resolve) => shell.onExit((code) => resolve(code)));
    shell.write(Buffer.from("exit 3\n"));
    expect(await exited).toBe(3);
  });
});
