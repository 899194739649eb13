import { describe, expect, it } from "vitest";
import { TERMINAL_AGENT_EVENTS, TERMINAL_CHUNK_MAX_BYTES } from "./terminal";
import { messageBytes, parseMessage } from "./validate";

describe("terminal messages", () => {
  it("count binary data by its length, not as a JSON array of numbers", () => {
    const data = Buffer.alloc(64 * 1024, 0x41);
    const bytes = messageBytes({ sessionId: "abcdefgh12", data });
    expect(bytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(bytes).toBeLessThan(64 * 1024 + 100);
  });

  it("accept bytes up to the chunk limit and refuse strings or larger chunks", () => {
    const schema = TERMINAL_AGENT_EVENTS["agent:terminal-output"];
    expect(parseMessage(schema, { sessionId: "abcdefgh12", data: Buffer.from("é") }).ok).toBe(true);
    expect(parseMessage(schema, { sessionId: "abcdefgh12", data: new Uint8Array([1, 2]).buffer }).ok).toBe(true);
    expect(parseMessage(schema, { sessionId: "abcdefgh12", data: "text" }).ok).toBe(false);
    const big = Buffer.alloc(TERMINAL_CHUNK_MAX_BYTES + 1);
    expect(parseMessage(schema, { sessionId: "abcdefgh12", data: big }).ok).toBe(false);
  });
});
