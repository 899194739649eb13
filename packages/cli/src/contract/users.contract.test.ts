import { describe, expect, it } from "vitest";
import { inProcessCli } from "./in-process-cli";
import { STAND_IN_LINKS } from "./stand-in-links";

const cli = inProcessCli("users");
const run = cli.run;

describe("wheelhouse users invite", () => {
  it("prints only the link on stdout and what to do with it on stderr", async () => {
    const result = await run(["users", "invite", "Grace@Example.com", "--role", "operator"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${STAND_IN_LINKS.invite}\n`);
    expect(result.stderr).toMatch(/Send this link to grace@example.com privately\. It works once, expires in 7 d/);
    expect(cli.portal().requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/api/v1/invites",
        body: { email: "grace@example.com", role: "operator" },
      }),
    ]);
  });

  it("--json prints the invite with its link, and nothing else", async () => {
    const result = await run(["users", "invite", "grace@example.com", "--role", "approver", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      email: "grace@example.com",
      role: "approver",
      link: STAND_IN_LINKS.invite,
      expiresAt: "2026-11-29T10:00:00.000Z",
    });
    expect(result.stderr).toBe("");
  });

  it("refuses a bad email or role with exit code 2 before sending anything", async () => {
    const badEmail = await run(["users", "invite", "grace", "--role", "operator"]);
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/EMAIL "grace": Enter an email address/);
    const badRole = await run(["users", "invite", "grace@example.com", "--role", "owner"]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Allowed choices are viewer, operator, approver, admin/);
    const noRole = await run(["users", "invite", "grace@example.com"]);
    expect(noRole.code).toBe(2);
    expect(cli.portal().requests).toHaveLength(0);
  });

  it("passes the portal's refusal of a member's email on with exit code 1", async () => {
    const result = await run(["users", "invite", "ada@example.com", "--role", "viewer"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: ada@example.com is already a member of Analytical Engines.\n");
    expect(result.stdout).toBe("");
  });
});

describe("wheelhouse users reset-password", () => {
  it("prints only the reset link on stdout", async () => {
    const result = await run(["users", "reset-password", "charles@example.com"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${STAND_IN_LINKS.reset}\n`);
    expect(result.stderr).toMatch(/works once, expires in 1 h, sets a new password and signs them out everywhere/);
    expect(cli.portal().requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/api/v1/users/reset-links",
        body: { email: "charles@example.com" },
      }),
    ]);
  });

  it("--json prints the email, link and expiry", async () => {
    const result = await run(["users", "reset-password", "charles@example.com", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      email: "charles@example.com",
      link: STAND_IN_LINKS.reset,
      expiresAt: "2026-11-22T11:00:00.000Z",
    });
  });

  it("refuses a bad email with exit code 2, and passes an unknown member's refusal on with 1", async () => {
    const bad = await run(["users", "reset-password", "not an email"]);
    expect(bad.code).toBe(2);
    expect(cli.portal().requests).toHaveLength(0);
    const unknown = await run(["users", "reset-password", "nobody@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("wheelhouse: No member of Analytical Engines has the email nobody@example.com.\n");
  });
});
