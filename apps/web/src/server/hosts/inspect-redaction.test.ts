import { describe, expect, it } from "vitest";
import { redactInspect } from "./inspect-redaction";

const DOCUMENT = {
  Id: "a".repeat(64),
  Config: { Image: "busybox", Env: ["PATH=/bin", "DATABASE_URL=postgres://user:secret@db/x"] },
  State: { Status: "running", Health: { Status: "healthy", Log: [{ ExitCode: 0, Output: "token=abc" }] } },
};

describe("redactInspect", () => {
  it("keeps everything for a person who may open a shell and read logs", () => {
    expect(redactInspect(DOCUMENT, { envValues: null, healthOutput: true })).toEqual(DOCUMENT);
  });

  it("hides environment values (keeping names) with the sentence why, and the health check's output", () => {
    const redacted = redactInspect(DOCUMENT, { envValues: "Only admins.", healthOutput: false });
    expect(redacted.Config).toEqual({ Image: "busybox", Env: ["PATH=(hidden)", "DATABASE_URL=(hidden)"] });
    expect(redacted.WheelhouseNote).toBe("Environment values hidden: Only admins.");
    expect(JSON.stringify(redacted)).not.toMatch(/secret|token=abc/);
    // The agent's answer is not changed in place.
    expect(DOCUMENT.Config.Env[1]).toContain("secret");
  });
});
