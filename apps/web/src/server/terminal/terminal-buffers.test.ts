// The pieces of a terminal session that must never grow or corrupt: the replay buffer's cap and
// cut, the recorder's UTF-8 handling and size cap, and the attach tokens' single use and expiry.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ATTACH_TOKEN_TTL_MS, AttachTokens } from "./attach-tokens";
import { Recorder } from "./recording";
import { ReplayBuffer } from "./replay-buffer";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("ReplayBuffer", () => {
  it("keeps the last bytes up to its capacity, cut at a line start", () => {
    const buffer = new ReplayBuffer(32);
    buffer.push(Buffer.from("first line\r\nsecond line\r\n"));
    buffer.push(Buffer.from("third line\r\n"));
    const kept = buffer.contents().toString();
    expect(kept.length).toBeLessThanOrEqual(32);
    expect(kept).toBe("second line\r\nthird line\r\n");
  });

  it("never holds more than its capacity, whatever arrives", () => {
    const buffer = new ReplayBuffer(1024);
    for (let i = 0; i < 1_000; i += 1) buffer.push(Buffer.alloc(100, 0x79));
    expect(buffer.bytes).toBeLessThanOrEqual(1024);
    expect(buffer.contents().length).toBe(buffer.bytes);
  });
});

describe("Recorder", () => {
  function record(maxBytes: number, write: (recorder: Recorder) => void) {
    const dir = mkdtempSync(join(tmpdir(), "wheelhouse-rec-"));
    dirs.push(dir);
    const path = join(dir, "r", "s.cast");
    const recorder = new Recorder(
      path,
      { size: { cols: 80, rows: 24 }, startedAt: new Date(), title: "t", command: ["/bin/sh"] },
      maxBytes,
      (error) => {
        throw error;
      },
    );
    write(recorder);
    return recorder.close().then(() => ({ recorder, lines: readFileSync(path, "utf8").trimEnd().split("\n") }));
  }

  it("writes asciicast v2 and keeps a character split between two chunks whole", async () => {
    const euro = Buffer.from("€ ok\r\n");
    const { lines } = await record(1 << 20, (recorder) => {
      recorder.output(euro.subarray(0, 2));
      recorder.output(euro.subarray(2));
      recorder.resize({ cols: 100, rows: 30 });
    });
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ version: 2, width: 80, height: 24 });
    const events = lines.slice(1).map((line) => JSON.parse(line) as [number, string, string]);
    expect(
      events
        .filter((e) => e[1] === "o")
        .map((e) => e[2])
        .join(""),
    ).toBe("€ ok\r\n");
    expect(events.at(-1)?.slice(1)).toEqual(["r", "100x30"]);
    expect(events.every((e) => !e[2].includes("\ufffd"))).toBe(true);
  });

  it("stops at its size limit and says so", async () => {
    const { recorder, lines } = await record(4_096, (r) => {
      for (let i = 0; i < 200; i += 1) r.output(Buffer.from(`line ${i} ${"x".repeat(60)}\r\n`));
    });
    expect(recorder.truncated).toBe(true);
    expect(recorder.bytes).toBeLessThan(4_096 + 200);
    expect(lines.at(-1)).toContain("size limit");
  });
});

describe("AttachTokens", () => {
  it("redeems a token once, for its grant, and never after it expired", () => {
    let now = 1_000_000;
    const tokens = new AttachTokens(() => now);
    const grant = { kind: "attach" as const, userId: "u1", sessionId: "s1", mode: "watch" as const };
    const first = tokens.mint(grant);
    expect(first.token).toMatch(/^wht_[A-Za-z0-9_-]{43}$/);
    expect(tokens.redeem(first.token)).toEqual(grant);
    expect(tokens.redeem(first.token)).toBeNull();
    expect(tokens.redeem("wht_forged")).toBeNull();
    const late = tokens.mint(grant);
    now += ATTACH_TOKEN_TTL_MS + 1;
    expect(tokens.redeem(late.token)).toBeNull();
  });
});
