// A domain is unique across teams (decision 023), so claiming one another app holds is refused
// whichever team holds it; the sentence names the holding app only when it is of the caller's team.
// On a real SQLite database, through updateApp's own unique violation.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import { type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { updateApp } from "./apps";

let scratch: ScratchDatabase;
const box = createSecretBox(randomBytes(32));

beforeAll(async () => {
  scratch = await scratchDatabase("app-domains");
});

afterAll(async () => {
  await scratch.dispose();
});

describe("claiming a domain another app serves", () => {
  it("names an app of the caller's team, and says only 'another team' for an app of another team", async () => {
    const { db } = scratch;
    const teamB = await teamWithApp(db, { domains: ["held-by-b.test"] });
    const teamA = await teamWithApp(db, { domains: ["held-by-a.test"] });
    const second = await db.app.create({
      data: {
        teamId: teamA.team.id,
        name: "second-a",
        environment: "staging",
        image: "example/app:1",
        port: 8080,
        healthPath: "/health",
        healthTimeoutSeconds: 5,
        replicas: 1,
        network: "published",
        restartPolicy: "unless-stopped",
      },
    });

    await expect(
      updateApp(db, box, teamA.team.id, { name: second.name, domains: ["held-by-b.test"] }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: "held-by-b.test is already served by an app of another team.",
    });
    await expect(
      updateApp(db, box, teamA.team.id, { name: second.name, domains: ["held-by-a.test"] }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: `held-by-a.test is already served by the app ${teamA.app.name}.`,
    });
    // Nothing changed: team B still serves its domain, the second app serves none.
    expect(await db.appDomain.findUnique({ where: { domain: "held-by-b.test" } })).toMatchObject({
      appId: teamB.app.id,
    });
    expect(await db.appDomain.count({ where: { appId: second.id } })).toBe(0);
  });
});
