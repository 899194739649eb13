// Team runbooks on a real SQLite database: each save is the team's latest + 1 (written into the
// stored text), the newest shadows the library runbook of the same id, older versions stay
// readable, and a command step is an admin's to save (refused and audited otherwise).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "@wheelhouse/shared";
import { withRunbookVersion } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../access/sessions";
import { AppError } from "../errors/app-error";
import { type ScratchDatabase, scratchDatabase } from "../testing/scratch-portal";
import { findRunbook, getRunbook, listRunbooks, type RunbookServices } from "./runbook-lookup";
import { saveTeamRunbook } from "./team-runbooks";

let scratch: ScratchDatabase;
let services: RunbookServices;
let libraryDir: string;

const source = (id: string, title: string, version = 1, extraStep = "") => `# written by hand
id: ${id}
version: ${version}   # the portal numbers this
title: ${title}
summary: What to do.
steps:
  - id: look
    title: Look around
    instructions: Read the logs.
${extraStep}`;

const COMMAND_STEP = `  - id: run-it
    title: List the folder
    check: command.run
    params: { argv: [ls, -la, /srv] }
    expect: it lists
    onFail: the folder is missing
`;

async function userOf(role: Role, teamId: string): Promise<SessionUser> {
  const suffix = Math.random().toString(36).slice(2, 8);
  return {
    sessionId: `s-${suffix}`,
    id: `u-${suffix}`,
    email: `${role}-${suffix}@example.com`,
    name: role,
    role,
    team: { id: teamId, name: "Team", slug: "team", portal: true },
    secondFactor: { enabled: false, required: false, provedAt: null },
  };
}

async function newTeam() {
  const suffix = Math.random().toString(36).slice(2, 8);
  return scratch.db.team.create({ data: { name: `Team ${suffix}`, slug: `team-${suffix}` } });
}

beforeAll(async () => {
  scratch = await scratchDatabase("team-runbooks");
  libraryDir = mkdtempSync(join(tmpdir(), "wh-team-runbooks-library-"));
  writeFileSync(join(libraryDir, "port-conflict.yaml"), source("port-conflict", "Library port conflict", 7));
  const silent = { warn: () => undefined, info: () => undefined };
  services = {
    db: scratch.db,
    config: { runbooksDir: libraryDir },
    logger: silent,
  } as unknown as RunbookServices;
});

afterAll(async () => {
  await scratch.dispose();
  rmSync(libraryDir, { recursive: true, force: true });
});

describe("withRunbookVersion", () => {
  it("replaces only the version's value, keeping comments and layout", () => {
    const text = source("disk-full", "Disk", 1);
    expect(withRunbookVersion(text, 12)).toBe(text.replace("version: 1   #", "version: 12   #"));
  });
});

describe("saveTeamRunbook", () => {
  it("numbers versions per team and id, whatever version the text says", async () => {
    const team = await newTeam();
    const operator = await userOf("operator", team.id);
    const first = await saveTeamRunbook(scratch.db, operator, "127.0.0.1", source("disk-full", "Disk v1", 9));
    const second = await saveTeamRunbook(scratch.db, operator, "127.0.0.1", source("disk-full", "Disk v2", 1));
    const other = await saveTeamRunbook(scratch.db, operator, "127.0.0.1", source("slow-app", "Slow", 5));
    expect([first.version, second.version, other.version]).toEqual([1, 2, 1]);
    expect(second.source).toContain("version: 2   # the portal numbers this");
    expect(second.definition.version).toBe(2);
    // Another team starts at 1 for the same id.
    const otherTeam = await newTeam();
    const elsewhere = await saveTeamRunbook(
      scratch.db,
      await userOf("operator", otherTeam.id),
      "127.0.0.1",
      source("disk-full", "Theirs"),
    );
    expect(elsewhere.version).toBe(1);
  });

  it("finds the newest by default and any older version by number", async () => {
    const team = await newTeam();
    const operator = await userOf("operator", team.id);
    await saveTeamRunbook(scratch.db, operator, "127.0.0.1", source("disk-full", "Disk v1"));
    await saveTeamRunbook(scratch.db, operator, "127.0.0.1", source("disk-full", "Disk v2"));
    expect((await findRunbook(services, team.id, "disk-full"))?.definition.title).toBe("Disk v2");
    expect((await findRunbook(services, team.id, "disk-full", 1))?.definition.title).toBe("Disk v1");
    expect(await findRunbook(services, team.id, "disk-full", 3)).toBeNull();
    const detail = await getRunbook(services, team.id, "disk-full");
    expect(detail.versions.map((version) => [version.version, version.by])).toEqual([
      [2, operator.email],
      [1, operator.email],
    ]);
  });

  it("lets a team runbook shadow the library one of the same id, for that team only", async () => {
    const team = await newTeam();
    const untouched = await newTeam();
    const operator = await userOf("operator", team.id);
    expect(await findRunbook(services, team.id, "port-conflict")).toMatchObject({ origin: "library", version: 7 });
    await saveTeamRunbook(scratch.db, operator, "127.0.0.1", source("port-conflict", "Our port conflict"));
    const listed = await listRunbooks(services, team.id);
    expect(listed.filter((runbook) => runbook.slug === "port-conflict")).toEqual([
      expect.objectContaining({ origin: "team", version: 1, shadowsLibrary: true, title: "Our port conflict" }),
    ]);
    // The library's version 7 is not reachable for the team that shadows it.
    expect(await findRunbook(services, team.id, "port-conflict", 7)).toBeNull();
    expect((await listRunbooks(services, untouched.id)).map((runbook) => [runbook.slug, runbook.origin])).toEqual([
      ["port-conflict", "library"],
    ]);
  });

  it("refuses an invalid runbook with its line and stores nothing", async () => {
    const team = await newTeam();
    const operator = await userOf("operator", team.id);
    const bad = source("disk-full", "Disk").replace("instructions: Read the logs.", "auto: true");
    await expect(saveTeamRunbook(scratch.db, operator, "127.0.0.1", bad)).rejects.toThrow(
      /The runbook is not valid\. Line 9: steps\.0\.auto: auto belongs to an automatic step/,
    );
    expect(await scratch.db.runbook.count({ where: { teamId: team.id } })).toBe(0);
  });

  it("refuses a command step from an operator, audited, and takes it from an admin", async () => {
    const team = await newTeam();
    const operator = await userOf("operator", team.id);
    const text = source("list-srv", "List /srv", 1, COMMAND_STEP);
    const refused = await saveTeamRunbook(scratch.db, operator, "127.0.0.1", text).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("FORBIDDEN");
    expect((refused as AppError).message).toMatch(/Only an admin may save a runbook with a command\.run step/);
    const denied = await scratch.db.auditEvent.findMany({ where: { teamId: team.id, outcome: "denied" } });
    expect(denied.map((event) => [event.action, event.actorEmail, event.targetId])).toEqual([
      ["runbooks.write-command", operator.email, "list-srv"],
    ]);
    expect(await scratch.db.runbook.count({ where: { teamId: team.id } })).toBe(0);

    const saved = await saveTeamRunbook(scratch.db, await userOf("admin", team.id), "127.0.0.1", text);
    expect(saved.version).toBe(1);
    expect((await findRunbook(services, team.id, "list-srv"))?.hasCommand).toBe(true);
  });
});
