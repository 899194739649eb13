import { describe, expect, it } from "vitest";
import { fillPlaceholders } from "./placeholders";
import { parseRunbook, runbookHasCommand } from "./runbook-format";

const GOOD = `id: port-conflict
version: 1
title: Port already in use
summary: Another process holds the app's port.
attach:
  - signal: instance.unhealthy
steps:
  - id: who-holds-it
    title: Find the process holding the port
    check: port.owner
    params: { port: "{app.port}" }
    expect: the port is free
    onFail: Another process holds the port; stop it.
  - id: stop-it
    title: Stop the other process
    instructions: Stop it, then redeploy.
`;

function errorsOf(text: string) {
  const result = parseRunbook(text);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

describe("parseRunbook", () => {
  it("accepts a well-formed runbook and fills defaults", () => {
    const result = parseRunbook(GOOD);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.runbook.steps).toHaveLength(2);
    expect(result.runbook.sources).toEqual([]);
    expect(runbookHasCommand(result.runbook)).toBe(false);
  });

  it("names the line of an unknown key, not its parent's", () => {
    const errors = errorsOf(GOOD.replace("    instructions: Stop it", "    bogus: 1\n    instructions: Stop it"));
    expect(errors).toEqual([{ line: 16, message: 'steps.1: Unrecognized key: "bogus"' }]);
  });

  it("gives a mistyped check name its own sentence and line", () => {
    const [error] = errorsOf(GOOD.replace("check: port.owner", "check: port.ownr"));
    expect(error?.line).toBe(10);
    expect(error?.message).toMatch(/^steps\.0\.check: check must be one of: port\.owner, /);
  });

  it("checks parameters once placeholders are filled, and names an unknown placeholder", () => {
    expect(errorsOf(GOOD.replace('"{app.port}"', '"{app.nope}"'))[0]).toMatchObject({
      line: 11,
      message: expect.stringContaining("{app.nope} is not a placeholder"),
    });
    expect(errorsOf(GOOD.replace('"{app.port}"', "70000"))[0]).toMatchObject({
      line: 11,
      message: expect.stringMatching(/^steps\.0\.params\.port: /),
    });
  });

  it("asks an automatic step for expect and onFail, and a manual one for instructions", () => {
    const messages = errorsOf(
      GOOD.replace("    expect: the port is free\n", "").replace("    instructions: Stop it, then redeploy.\n", ""),
    ).map((error) => error.message);
    expect(messages).toContain("steps.0.expect: An automatic step says what a pass means (expect).");
    expect(messages).toContain("steps.1.instructions: A manual step has instructions.");
  });

  it("refuses duplicate step ids and YAML syntax errors with their lines", () => {
    expect(errorsOf(GOOD.replace("id: stop-it", "id: who-holds-it"))).toEqual([
      { line: 14, message: 'steps.1.id: "who-holds-it" is used by an earlier step.' },
    ]);
    expect(errorsOf("id: x\ntitle: [unclosed\n")[0]?.line).toBeGreaterThan(0);
  });

  it("knows a command step needs an admin", () => {
    const result = parseRunbook(
      GOOD.replace(
        'check: port.owner\n    params: { port: "{app.port}" }',
        'check: command.run\n    params: { argv: ["uptime"], where: host }',
      ),
    );
    expect(result.ok && runbookHasCommand(result.runbook)).toBe(true);
  });
});

describe("fillPlaceholders", () => {
  it("turns a whole placeholder into its value and substitutes inside longer strings", () => {
    expect(
      fillPlaceholders(
        { port: "{app.port}", url: "http://{app.domain}:{app.port}/x", n: 3 },
        { "app.port": 8080, "app.domain": "a.example" },
      ),
    ).toEqual({
      ok: true,
      value: { port: 8080, url: "http://a.example:8080/x", n: 3 },
    });
  });

  it("says which placeholder has no value for this incident", () => {
    expect(fillPlaceholders({ name: "{app.domain}" }, {})).toEqual({
      ok: false,
      message: "{app.domain} has no value here (the incident has no app, or the app has none).",
    });
  });
});
