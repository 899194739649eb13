// A portal (or something posing as one) names commands the agent must look up in its own table:
// a name every object inherits is an unknown command, answered at once, not a handler call.
import { describe, expect, it } from "vitest";
import { CommandRunner, onlyHandlers } from "./command-runner";

describe("CommandRunner", () => {
  const runner = new CommandRunner(onlyHandlers({ "agent.ping": async () => ({ at: 1 }) }));

  it.each(["constructor", "__proto__", "toString", "hasOwnProperty"])(
    "answers the inherited name %s as an unknown command",
    async (type) => {
      const reply = await runner.run({ id: `cmd-${type}`, type, params: {} });
      expect(reply).toEqual({
        id: `cmd-${type}`,
        ok: false,
        error: { code: "UNKNOWN_COMMAND", message: `This agent does not know the command ${type}.` },
      });
    },
  );

  it("still runs a command of its table", async () => {
    expect(await runner.run({ id: "cmd-ping-1", type: "agent.ping", params: {} })).toEqual({
      id: "cmd-ping-1",
      ok: true,
      result: { at: 1 },
    });
  });
});
