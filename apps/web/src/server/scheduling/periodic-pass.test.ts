import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PeriodicPass } from "./periodic-pass";

describe("PeriodicPass", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs every interval, never two passes at once, and stops", async () => {
    let finish: () => void = () => {};
    const pass = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const periodic = new PeriodicPass(pass, "test", { error: vi.fn() });
    periodic.start(100);
    await vi.advanceTimersByTimeAsync(350);
    // The first pass is still running: the ticks at 200 and 300 ms skipped.
    expect(pass).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(pass).toHaveBeenCalledTimes(2);
    periodic.stop();
    finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it("logs a failed pass and tries again at the next tick", async () => {
    const error = new Error("database is locked");
    const pass = vi.fn().mockRejectedValueOnce(error).mockResolvedValue(undefined);
    const logger = { error: vi.fn() };
    const periodic = new PeriodicPass(pass, "expire approval requests", logger);
    periodic.start(100);
    await vi.advanceTimersByTimeAsync(200);
    expect(logger.error).toHaveBeenCalledWith({ err: error }, "could not expire approval requests");
    expect(pass).toHaveBeenCalledTimes(2);
    periodic.stop();
  });
});
