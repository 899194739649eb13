import { describe, expect, it } from "vitest";
import { engineMessage, engineStatus, isRemovalUnderway, removing, unlessMissing } from "./docker-errors";

/** What dockerode rejects with when the engine answers with an error status. */
function dockerodeError(status: number, message: string, json: unknown = null, reason = "server error"): Error {
  return Object.assign(new Error(`(HTTP code ${status}) ${reason} - ${message} `), { statusCode: status, json });
}

/** A 409 exactly as dockerode rejected with it against Docker 20.10 (captured from a real run). */
function engine409(message: string): Error {
  return dockerodeError(409, message, { message }, "unexpected");
}

const ID = "513af13df08a0edb10a35f8f669d884170d907a9b19d8c8eca3faf7a0b522faa";

describe("engineMessage", () => {
  it("takes the engine's message from the parsed body", () => {
    const error = dockerodeError(404, "ignored", { message: "pull access denied for nope, repository does not exist" });
    expect(engineMessage(error)).toBe("pull access denied for nope, repository does not exist");
  });

  it("strips dockerode's prefix when there is no parsed body", () => {
    expect(engineMessage(dockerodeError(500, 'Get "https://registry-1.docker.io/v2/": no such host'))).toBe(
      'Get "https://registry-1.docker.io/v2/": no such host',
    );
  });

  it("leaves other errors as they are", () => {
    expect(engineMessage(new Error("connect ENOENT /var/run/docker.sock"))).toBe("connect ENOENT /var/run/docker.sock");
  });
});

describe("unlessMissing", () => {
  it("turns a 404 into undefined and rethrows anything else", async () => {
    expect(await unlessMissing(() => Promise.reject(dockerodeError(404, "no such image")))).toBeUndefined();
    await expect(unlessMissing(() => Promise.reject(dockerodeError(500, "boom")))).rejects.toThrow("boom");
    expect(engineStatus(dockerodeError(409, "conflict"))).toBe(409);
  });
});

describe("removing", () => {
  it("counts a container already being removed, or already gone, as removed", async () => {
    const underway = engine409(`removal of container ${ID} is already in progress`);
    expect(isRemovalUnderway(underway)).toBe(true);
    await expect(removing(() => Promise.reject(underway))).resolves.toBeUndefined();
    await expect(
      removing(() => Promise.reject(dockerodeError(404, `No such container: ${ID}`))),
    ).resolves.toBeUndefined();
  });

  it("still fails on any other conflict, in the engine's words", async () => {
    const running = engine409(
      `You cannot remove a running container ${ID}. Stop the container before attempting removal or force remove`,
    );
    expect(isRemovalUnderway(running)).toBe(false);
    await expect(removing(() => Promise.reject(running))).rejects.toBe(running);
    expect(isRemovalUnderway(dockerodeError(500, `removal of container ${ID} is already in progress`))).toBe(false);
  });
});
