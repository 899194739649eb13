// The team's registry logins on a scratch SQLite database: a password is sealed on the way in,
// never part of an answer, and opened only for the pull that needs it (loginForImage).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import { AppError } from "../errors/app-error";
import { type ScratchDatabase, scratchDatabase } from "../testing/scratch-portal";
import { addRegistryLogin, listRegistryLogins, removeRegistryLogin } from "./registry-login-changes";
import { loginForImage } from "./registry-logins";

const PASSWORD = "pa55-word-that-must-never-show";
const ADA = { id: "user_ada", email: "ada@example.com" };

let scratch: ScratchDatabase;
const secrets = createSecretBox(randomBytes(32));

async function newTeam(): Promise<string> {
  const suffix = randomBytes(4).toString("hex");
  return (await scratch.db.team.create({ data: { name: `Team ${suffix}`, slug: `team-${suffix}` } })).id;
}

beforeAll(async () => {
  scratch = await scratchDatabase("registry-logins");
});
afterAll(async () => {
  await scratch.dispose();
});

describe("registry logins", () => {
  it("seals the password, lists host and user only, and opens it for a pull from that registry", async () => {
    const teamId = await newTeam();
    const services = { db: scratch.db, secrets };
    const added = await addRegistryLogin(services, teamId, ADA, {
      host: "127.0.0.1:5055",
      username: "ci",
      password: PASSWORD,
    });

    expect(added.replaced).toBe(false);
    expect(added.login).toMatchObject({ host: "127.0.0.1:5055", username: "ci", createdBy: ADA.email });
    const row = await scratch.db.registryLogin.findFirstOrThrow({ where: { teamId } });
    expect(row.passwordSealed).not.toContain(PASSWORD);
    expect(secrets.open(row.passwordSealed)).toBe(PASSWORD);
    const listed = await listRegistryLogins(scratch.db, teamId);
    expect(listed).toEqual([added.login]);
    expect(JSON.stringify(listed)).not.toContain(row.passwordSealed);
    expect(JSON.stringify(listed)).not.toContain(PASSWORD);

    expect(await loginForImage(scratch.db, secrets, teamId, "127.0.0.1:5055/shop:v1")).toEqual({
      name: "ci at 127.0.0.1:5055",
      serverAddress: "127.0.0.1:5055",
      username: "ci",
      password: PASSWORD,
    });
    expect(await loginForImage(scratch.db, secrets, teamId, "127.0.0.1:6000/shop:v1")).toBeUndefined();
    expect(await loginForImage(scratch.db, secrets, await newTeam(), "127.0.0.1:5055/shop:v1")).toBeUndefined();
  });

  it("replaces a host's login when one is added again, and says so", async () => {
    const teamId = await newTeam();
    const services = { db: scratch.db, secrets };
    await addRegistryLogin(services, teamId, ADA, { host: "ghcr.io", username: "old", password: "old-pass" });
    const again = await addRegistryLogin(
      services,
      teamId,
      { id: "user_bob", email: "bob@example.com" },
      {
        host: "ghcr.io",
        username: "new",
        password: "new-pass",
      },
    );

    expect(again.replaced).toBe(true);
    expect(await listRegistryLogins(scratch.db, teamId)).toEqual([
      expect.objectContaining({ host: "ghcr.io", username: "new", createdBy: "bob@example.com" }),
    ]);
    expect((await loginForImage(scratch.db, secrets, teamId, "ghcr.io/team/app:1"))?.password).toBe("new-pass");
  });

  it("removes by host, and answers NOT_FOUND with a sentence for a host it does not have", async () => {
    const teamId = await newTeam();
    const other = await newTeam();
    await addRegistryLogin({ db: scratch.db, secrets }, teamId, ADA, {
      host: "docker.io",
      username: "u",
      password: "p",
    });

    const refusal = await removeRegistryLogin(scratch.db, other, "docker.io").catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/no registry login for docker\.io/),
    });

    expect(await removeRegistryLogin(scratch.db, teamId, "docker.io")).toMatchObject({
      host: "docker.io",
      username: "u",
    });
    expect(await listRegistryLogins(scratch.db, teamId)).toEqual([]);
    expect(await loginForImage(scratch.db, secrets, teamId, "nginx:1.25")).toBeUndefined();
  });
});
