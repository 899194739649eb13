import { describe, expect, it } from "vitest";
import { type ContainerStateView, notRunningReason, probeFailure, seconds, timeoutReason } from "./health-reasons";

const exited: ContainerStateView = {
  Status: "exited",
  ExitCode: 1,
  OOMKilled: false,
  Error: "",
  StartedAt: "2025-05-01T10:00:00.000000000Z",
  FinishedAt: "2025-05-01T10:00:00.312000000Z",
};

describe("seconds", () => {
  it("shows whole seconds without decimals, fractions with one, and an instant with two", () => {
    expect(seconds(10_000)).toBe("10 s");
    expect(seconds(1_500)).toBe("1.5 s");
    expect(seconds(312)).toBe("0.3 s");
    expect(seconds(42)).toBe("0.04 s");
  });
});

describe("notRunningReason", () => {
  it("is silent while the container runs or is paused", () => {
    expect(notRunningReason({ ...exited, Status: "running" }, 0)).toBeUndefined();
    expect(notRunningReason({ ...exited, Status: "paused" }, 0)).toBeUndefined();
  });

  it("names the exit code and how long the process ran", () => {
    expect(notRunningReason(exited, 0)).toBe("the container exited with code 1 after 0.3 s");
  });

  it("reads a finish recorded before the start as an instant", () => {
    expect(notRunningReason({ ...exited, FinishedAt: "2025-05-01T09:59:59.999000000Z" }, 0)).toBe(
      "the container exited with code 1 after 0.00 s",
    );
  });

  it("names the OOM killer and the engine's error", () => {
    expect(notRunningReason({ ...exited, ExitCode: 137, OOMKilled: true }, 0)).toBe(
      "the container exited with code 137 after 0.3 s (OOMKilled: it ran out of memory)",
    );
    expect(
      notRunningReason(
        { ...exited, Status: "dead", ExitCode: 127, Error: "exec: app: not found", StartedAt: "0001-01-01T00:00:00Z" },
        0,
      ),
    ).toBe("the container exited with code 127 (exec: app: not found)");
  });

  it("counts a container its restart policy is bringing back as failed", () => {
    expect(notRunningReason({ ...exited, Status: "restarting", ExitCode: 3 }, 2)).toBe(
      "the container exited with code 3 after 0.3 s and is being restarted by its restart policy (2 restarts so far)",
    );
  });

  it("names a container that was never started", () => {
    expect(notRunningReason({ ...exited, Status: "created" }, 0)).toBe("the container was created but never started");
  });
});

describe("timeoutReason", () => {
  it("names the path, port, timeout and the last probe's outcome", () => {
    expect(timeoutReason("/health", 20_001, 10_000, "HTTP 404")).toBe(
      "no healthy answer from /health on port 20001 within 10 s (last: HTTP 404)",
    );
    expect(timeoutReason("/health", 20_001, 10_000, undefined)).toBe(
      "no healthy answer from /health on port 20001 within 10 s (last: no probe finished)",
    );
  });
});

describe("probeFailure", () => {
  it("puts statuses and socket errors in words", () => {
    expect(probeFailure({ status: 503 })).toBe("HTTP 503");
    expect(probeFailure({ code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:20001" })).toBe(
      "connection refused",
    );
    expect(probeFailure({ message: "no answer within 1 s" })).toBe("no answer within 1 s");
  });
});
