// `wheelhouse-agent enroll`: trade a single-use token for this host's agent key.
import { enrollResponseSchema, parseMessage } from "@wheelhouse/shared";
import { writeAgentFile } from "./config/settings";
import { createDockerClient, dockerStatus } from "./host/docker-client";
import { hostFacts } from "./host/facts";
import { AGENT_VERSION } from "./version";

export class EnrollError extends Error {}

export async function enroll(options: {
  portalUrl: string;
  token: string;
  configDir: string;
  dockerSocket: string;
}): Promise<{ hostName: string; path: string }> {
  const docker = await dockerStatus(createDockerClient(options.dockerSocket));
  const url = new URL("/api/agent/enroll", options.portalUrl);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: options.token, version: AGENT_VERSION, facts: hostFacts(docker.version) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new EnrollError(
      `Could not reach the portal at ${options.portalUrl} (${(error as Error).message}). Check the address and that this host can reach it.`,
    );
  }
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    throw new EnrollError(`The portal refused the enrolment: ${message}`);
  }
  const parsed = parseMessage(enrollResponseSchema, body);
  if (!parsed.ok)
    throw new EnrollError(
      `The portal's answer was not understood (${parsed.reason}). Are agent and portal versions compatible?`,
    );
  const path = writeAgentFile(options.configDir, {
    portalUrl: options.portalUrl,
    hostId: parsed.data.hostId,
    hostName: parsed.data.hostName,
    agentKey: parsed.data.agentKey,
  });
  return { hostName: parsed.data.hostName, path };
}
