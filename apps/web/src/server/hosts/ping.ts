// "Ping all hosts": a round trip through every connected agent of the team, at once. A quick
// connectivity check for people, and the fan-out the agents benchmark measures.
import type { AgentRegistry } from "./agent-registry";

export interface PingResult {
  hostId: string;
  ok: boolean;
  /** Time from sending to the agent's reply, as the portal saw it. */
  ms: number;
  error?: string;
}

export async function pingTeamHosts(agents: AgentRegistry, teamId: string, timeoutMs = 10_000): Promise<PingResult[]> {
  return Promise.all(
    agents.ofTeam(teamId).map(async ({ hostId }) => {
      const started = performance.now();
      try {
        await agents.command(hostId, "agent.ping", {}, { timeoutMs });
        return { hostId, ok: true, ms: performance.now() - started };
      } catch (error) {
        return { hostId, ok: false, ms: performance.now() - started, error: (error as Error).message };
      }
    }),
  );
}
