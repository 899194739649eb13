// The install script's own checks, without a portal: shellcheck (Debian's package, installed by
// npm test's system step) and the refusals that must come before anything is touched. The
// installing itself runs against a real portal in tests/integration/agent-install.int.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = join(dirname(fileURLToPath(import.meta.url)), "agent.sh");
const scratch = mkdtempSync(join(tmpdir(), "wheelhouse-agent-sh-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runScript(args: string[]) {
  const result = spawnSync("sh", [script, ...args], { encoding: "utf8", cwd: scratch, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("scripts/install/agent.sh", () => {
  it("passes shellcheck as POSIX sh", () => {
    const result = spawnSync("shellcheck", ["--shell=sh", "--severity=style", script], { encoding: "utf8" });
    if (result.error) throw new Error(`shellcheck did not run (${result.error.message}): apt-get install shellcheck`);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("refuses to run without a portal address when not served by a portal", () => {
    const { code, stderr } = runScript(["--token", "whe_x", "--prefix", join(scratch, "p1"), "--no-service"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no portal address: download this script from the portal/);
    expect(existsSync(join(scratch, "p1"))).toBe(false);
  });

  it("refuses a first install without a token, before downloading anything", () => {
    const { code, stderr } = runScript([
      "--portal",
      "http://127.0.0.1:9",
      "--prefix",
      join(scratch, "p2"),
      "--config-dir",
      join(scratch, "c2"),
      "--no-service",
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/not enrolled yet: give --token/);
    expect(existsSync(join(scratch, "p2"))).toBe(false);
    expect(existsSync(join(scratch, "c2"))).toBe(false);
  });

  it("refuses paths that could not be written into a unit or a wrapper safely", () => {
    const relative = runScript(["--portal", "http://127.0.0.1:9", "--token", "t", "--prefix", "opt/agent"]);
    expect(relative.stderr).toMatch(/--prefix must be an absolute path/);
    const quoted = runScript(["--portal", "http://127.0.0.1:9", "--token", "t", "--config-dir", "/tmp/a'b"]);
    expect(quoted.stderr).toMatch(/--config-dir may hold letters, digits and/);
    expect(relative.code).toBe(1);
    expect(quoted.code).toBe(1);
  });

  it("uninstalls nothing from a prefix it did not install", () => {
    const { code, stderr } = runScript(["--uninstall", "--prefix", scratch]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/holds no agent installed by this script; nothing was removed/);
    expect(existsSync(scratch)).toBe(true);
  });
});
