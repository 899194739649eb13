import { describe, expect, it } from "vitest";
import { containerOutputLine, withoutContainerOutput } from "./deployment-records";

const at = "2025-01-01T00:00:00.000Z";

describe("withoutContainerOutput", () => {
  it("replaces each run of container output with one line that says how many and why", () => {
    const lines = [
      "wh-web-r2-1 on host-a: the container exited with code 3 after 0.1 s",
      "Last log lines:",
      containerOutputLine("starting version crash"),
      containerOutputLine("fatal: DATABASE_URL=postgres://secret"),
      "Removed the new containers",
    ].map((text, i) => ({ seq: i + 1, at, text }));
    const shown = withoutContainerOutput(lines);
    expect(shown.map((l) => l.seq)).toEqual([1, 2, 3, 5]);
    expect(shown[2]?.text).toMatch(/2 lines of the container's own output hidden: .*logs\.read/);
    expect(JSON.stringify(shown)).not.toContain("secret");
  });

  it("leaves a log without container output as it is", () => {
    const lines = [{ seq: 1, at, text: "Release 1: sha256:abc" }];
    expect(withoutContainerOutput(lines)).toEqual(lines);
  });
});
