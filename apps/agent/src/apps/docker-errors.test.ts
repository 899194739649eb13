import { describe, expect, it } from "vitest";
import { engineMessage, engineStatus, unlessMissing } from "./docker-errors";

/** What dockerode rejects with when the engine answers with an error status. */
function dockerodeError(status: number, message: string, json: unknown = null): Error {
  return Object.assign(new Error(`(HTTP code ${status}) server error - ${message} `), { statusCode: status, json });
}

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
