// A registry login passed through to the engine for one request, against a real registry with
// htpasswd logins behind TLS (tests/support/registry.ts): the right login pulls and answers the tag's
// digest; a wrong one fails with the registry's words and the login's name, never its password; no
// login says which login to add. Nothing is written to ~/.docker/config.json.
import type { RegistryLogin } from "@wheelhouse/shared";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOwnAppImage, dockerAvailable, removeTestImages, runDocker } from "../../../../tests/support/docker.ts";
import { pushImage, startRegistry, type TestRegistry } from "../../../../tests/support/registry.ts";
import { remoteDigestOf, resolveImage } from "./image-resolve";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const CREDENTIALS = { username: "ci", password: "pull-secret-8d1f" };
let registry: TestRegistry;
let ref: string;
let pushed: string;
let login: RegistryLogin;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  const own = await buildOwnAppImage("v1");
  registry = await startRegistry({ login: CREDENTIALS });
  ref = `${registry.host}/private:1`;
  login = { name: `ci at ${registry.host}`, serverAddress: registry.host, ...CREDENTIALS };
  pushed = await pushImage(own, ref, { ...CREDENTIALS, serveraddress: registry.host });
  // The host has the image under its own name only: the registry's copy must be pulled.
  await runDocker(["image", "rm", ref]);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await removeTestImages();
});

describe("a registry login for one pull", () => {
  it("without a login: the registry's refusal, and which login to add", async () => {
    const failure = resolveImage(docker, { ref, pullPolicy: "always" });
    await expect(failure).rejects.toThrow(`asking ${registry.host} about ${ref} failed: `);
    await expect(failure).rejects.toThrow(
      `The registry refused an anonymous request (unauthorized): add a login for ${registry.host} to the team's registries.`,
    );
  });

  it("with a wrong password: the registry's words and the login's name, never the password", async () => {
    const wrong = { ...login, password: "not-the-password-3c2e" };
    const failure = (pullPolicy: "always" | "if-not-present") =>
      resolveImage(docker, { ref, pullPolicy, login: wrong }).then(
        () => "resolved",
        (caught: Error) => caught.message,
      );
    // always asks the registry first; if-not-present pulls the missing image at once.
    const asked = await failure("always");
    expect(asked).toBe(
      `asking ${registry.host} about ${ref} failed (login ci at ${registry.host}): unauthorized: authentication required`,
    );
    const pulled = await failure("if-not-present");
    expect(pulled).toBe(`pulling ${ref} failed (login ci at ${registry.host}): unauthorized: authentication required`);
    expect(`${asked}${pulled}`).not.toContain(wrong.password);
  });

  it("with the login: pulls, names the pushed digest, and answers the tag's digest without pulling", async () => {
    const resolved = await resolveImage(docker, { ref, pullPolicy: "always", login });
    expect(resolved).toMatchObject({
      pulled: true,
      source: "pulled",
      repoDigest: `${registry.host}/private@${pushed}`,
    });
    expect(await remoteDigestOf(docker, { ref, login })).toEqual({ digest: pushed });
    // Asked again, the registry's digest is the local one.
    expect(await resolveImage(docker, { ref, pullPolicy: "always", login })).toMatchObject({ source: "up-to-date" });
    await expect(remoteDigestOf(docker, { ref, login: { ...login, password: "wrong-9a7b" } })).rejects.toThrow(
      `asking ${registry.host} about ${ref} failed (login ci at ${registry.host}): unauthorized: authentication required`,
    );
  });
});
