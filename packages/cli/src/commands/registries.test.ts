// `wheelhouse registries add` in-process: the password comes from standard input only, and every
// refusal exits 2 before anything is sent. The environment points at 127.0.0.1:9, which fetch
// refuses outright, so a request that slipped out would end in exit code 4 instead.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../program";
import { passwordFromStdin } from "./registries";

let configHome: string;

beforeEach(() => {
  configHome = mkdtempSync(join(tmpdir(), "wheelhouse-registries-"));
});

afterEach(() => {
  rmSync(configHome, { recursive: true, force: true });
});

async function run(argv: string[], stdin?: string) {
  let stdout = "";
  let stderr = "";
  let stdinOpened = false;
  const code = await runCli({
    argv,
    env: { XDG_CONFIG_HOME: configHome, WHEELHOUSE_URL: "http://127.0.0.1:9", WHEELHOUSE_TOKEN: "wh_unit_test_key" },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: () => {
      stdinOpened = true;
      return (async function* () {
        if (stdin !== undefined) yield Buffer.from(stdin);
      })();
    },
    hostname: "test-box",
    sleep: async () => {},
  });
  return { code, stdout, stderr, stdinOpened };
}

const ADD = ["registries", "add", "127.0.0.1:5055", "--username", "ci"];

describe("registries add", () => {
  it("refuses a password given as an argument, and says how to pipe it instead", async () => {
    const result = await run([...ADD, "--password", "hunter2-secret"], "ignored");

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/never an argument .*--password-stdin/);
    expect(result.stderr).not.toContain("hunter2-secret");
    expect(result.stdinOpened).toBe(false);
  });

  it.each([
    [ADD, "p", /needs --password-stdin/],
    [[...ADD, "--password-stdin"], "", /standard input is empty/],
    [[...ADD, "--password-stdin"], "\n", /standard input is empty/],
    [[...ADD, "--password-stdin"], "x".repeat(16 * 1024 + 1), /more than 16384 bytes/],
    [
      ["registries", "add", "https://ghcr.io", "--username", "ci", "--password-stdin"],
      "p",
      /HOST "https:\/\/ghcr\.io": A registry host is/,
    ],
    [["registries", "add", "ghcr.io", "--username", "two words", "--password-stdin"], "p", /--username: .*no spaces/],
    [["registries", "add", "ghcr.io", "--password-stdin"], "p", /required option '--username <user>'/],
    [["registries", "remove", "myregistry"], undefined, /HOST "myregistry": A registry host is/],
  ])("wheelhouse %j with stdin %j exits 2", async (argv, stdin, message) => {
    const result = await run(argv, stdin);

    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
  });

  it("reads the password from stdin and only then reaches the network (exit 4 here)", async () => {
    const result = await run([...ADD, "--password-stdin"], "s3cret\n");

    expect(result.stdinOpened).toBe(true);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("Could not reach the portal");
    expect(result.stderr).not.toContain("s3cret");
  });

  it("other commands never open stdin", async () => {
    const result = await run(["registries", "list"]);

    expect(result.code).toBe(4);
    expect(result.stdinOpened).toBe(false);
  });
});

describe("passwordFromStdin", () => {
  it("drops one final line ending, and keeps everything else", () => {
    expect(passwordFromStdin("token\n")).toBe("token");
    expect(passwordFromStdin("token\r\n")).toBe("token");
    expect(passwordFromStdin("token\n\n")).toBe("token\n");
    expect(passwordFromStdin(" token ")).toBe(" token ");
  });
});
