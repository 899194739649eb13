// `wheelhouse-agent status [--wait SECONDS]`: asks the portal, with this host's own key, how it sees
// this host (GET /api/agent/status). The install script waits on it for Online: the key stays in
// agent.json and this process, never on a command line or in the script.
import { agentStatusResponseSchema, type HostStatus, parseMessage } from "@wheelhouse/shared";
import type { AgentFile } from "./config/settings";

export class StatusError extends Error {
  /** final: asking again cannot help (the portal refused the key). */
  constructor(
    message: string,
    readonly final = false,
  ) {
    super(message);
  }
}

export interface PortalView {
  hostName: string;
  status: HostStatus;
}

export async function portalView(file: AgentFile, portalUrl: string): Promise<PortalView> {
  let response: Response;
  try {
    response = await fetch(new URL("/api/agent/status", portalUrl), {
      headers: { authorization: `Bearer ${file.agentKey}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new StatusError(`Could not reach the portal at ${portalUrl} (${(error as Error).message}).`);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status code below says enough.
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    throw new StatusError(`The portal at ${portalUrl} answered: ${message}`, response.status === 401);
  }
  const parsed = parseMessage(agentStatusResponseSchema, body);
  if (!parsed.ok) throw new StatusError(`The portal's answer was not understood (${parsed.reason}).`);
  return { hostName: parsed.data.hostName, status: parsed.data.status };
}

/**
 * Asks until the portal says Online or `waitMs` has passed; returns the last view. A refused key
 * ends the wait at once (it will not become valid); an unreachable portal is asked again.
 */
export async function waitForOnline(
  file: AgentFile,
  portalUrl: string,
  waitMs: number,
  intervalMs = 500,
): Promise<PortalView> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let view: PortalView | undefined;
    let problem: StatusError | undefined;
    try {
      view = await portalView(file, portalUrl);
    } catch (error) {
      if (!(error instanceof StatusError) || error.final) throw error;
      problem = error;
    }
    if (view?.status === "online" || Date.now() + intervalMs > deadline) {
      if (view) return view;
      throw problem ?? new StatusError("No answer from the portal.");
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
