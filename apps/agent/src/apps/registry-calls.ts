// The two things the agent asks a registry, both through the engine (which knows the host's TLS
// trust in /etc/docker/certs.d and its insecure-registry list): the digest a tag points at now
// (GET /distribution/{name}/json) and a pull. A registry login travels as X-Registry-Auth on that one
// request only: it is never stored, logged, or written into an error message.
import { type RegistryLogin, registryOf } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { engineMessage } from "./docker-errors";

/**
 * A fresh object per request (dockerode deletes `authconfig` from the options it is given). Engine
 * 20.10 refuses some registry requests without the header, so an anonymous one sends `{}`, as the
 * docker CLI does.
 */
function authFor(login: RegistryLogin | undefined): Docker.AuthConfigObject {
  return login ? { username: login.username, password: login.password, serveraddress: login.serverAddress } : {};
}

/** " (login NAME)" for messages when a login was used: its name, never its password. */
export function loginPart(login: RegistryLogin | undefined): string {
  return login ? ` (login ${login.name})` : "";
}

/**
 * The engine's words, with the password cut out should any layer ever echo it back: an error
 * message travels to the portal, into the deployment log and the CLI.
 */
export function withoutPassword(text: string, login: RegistryLogin | undefined): string {
  return login ? text.split(login.password).join("***") : text;
}

/**
 * The engine's answer to an anonymous request the registry wants a login for is "no basic auth
 * credentials"; a person acts on knowing which login to add.
 */
function anonymousHint(ref: string, words: string, login: RegistryLogin | undefined): string {
  if (login || !/no basic auth credentials|unauthorized|authentication required/i.test(words)) return "";
  return ` The registry refused an anonymous request (unauthorized): add a login for ${registryOf(ref) ?? ref} to the team's registries.`;
}

export class RegistryError extends Error {}

function registryFailure(action: string, ref: string, words: string, login: RegistryLogin | undefined): RegistryError {
  const message = `${action} ${ref} failed${loginPart(login)}: ${words}${anonymousHint(ref, words, login)}`;
  return new RegistryError(withoutPassword(message, login));
}

/** What is read of the engine's answer, checked rather than trusted. */
interface DistributionAnswer {
  Descriptor?: { digest?: unknown };
}

/** The digest (sha256:…) the registry serves for `ref`'s tag now, without pulling. */
export async function remoteDigest(docker: Docker, ref: string, login: RegistryLogin | undefined): Promise<string> {
  let answer: DistributionAnswer;
  try {
    answer = await docker.getImage(ref).distribution({ authconfig: authFor(login) });
  } catch (error) {
    throw registryFailure(`asking ${registryOf(ref) ?? "the registry"} about`, ref, engineMessage(error), login);
  }
  const digest = answer.Descriptor?.digest;
  if (typeof digest !== "string" || !/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new RegistryError(`the engine's answer about ${ref} names no digest`);
  }
  return digest;
}

/** One line of the engine's pull progress stream; a failure mid-stream arrives as `error`, not as a status. */
interface PullProgress {
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows the pull's progress stream to its end; rejects with the registry's words when a line says it failed. */
function followPull(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (error) => {
        if (error) reject(new Error(engineMessage(error)));
        else if (failure !== undefined) reject(new Error(failure));
        else resolve();
      },
      (progress: PullProgress) => {
        const message = progress.errorDetail?.message ?? progress.error;
        if (message && failure === undefined) failure = message.trim();
      },
    );
  });
}

/**
 * The engine's fromImage and tag for a pull. dockerode's own split would send "repo:tag" with the
 * digest as tag for repo:tag@sha256:…; a digest alone is what names the image then.
 */
function pullTarget(ref: string): { fromImage: string; tag: string } {
  const at = ref.indexOf("@");
  if (at >= 0) {
    const name = ref.slice(0, at);
    const colon = name.lastIndexOf(":");
    return { fromImage: colon > name.lastIndexOf("/") ? name.slice(0, colon) : name, tag: ref.slice(at + 1) };
  }
  const colon = ref.lastIndexOf(":");
  if (colon > ref.lastIndexOf("/")) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: "latest" };
}

export async function pullImage(docker: Docker, ref: string, login: RegistryLogin | undefined): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.createImage(authFor(login), pullTarget(ref));
  } catch (error) {
    throw registryFailure("pulling", ref, engineMessage(error), login);
  }
  try {
    await followPull(docker, stream);
  } catch (error) {
    throw registryFailure("pulling", ref, (error as Error).message, login);
  }
}
