// The checks the portal answers from its own records (check-catalogue.ts CHECK_RUNS_ON "portal"):
// the app's recent deployments, whether the host's agent and Docker engine answer, and "pushed but
// not deployed" (hooks/push-status.ts). Each answers like an agent check: outcome, finding, output.
import { ACTIVE_DEPLOYMENT_STATUSES, type CheckParams, type CheckResult, inStatusGroup } from "@wheelhouse/shared";
import { reasonOf } from "../errors/app-error";
import { imageStatus } from "../hooks/push-status";
import type { PortalServices } from "../services";
import type { CheckTarget } from "./check-target";

type Services = Pick<PortalServices, "db" | "secrets" | "agents" | "inventory">;
export type CheckDraft = Omit<CheckResult, "durationMs">;

/** A deployment still Queued/Pulling/Starting/HealthChecking after this long is stuck, not slow. */
export const STUCK_AFTER_MS = 15 * 60_000;
const PING_TIMEOUT_MS = 5_000;

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

function noApp(kind: string): CheckDraft {
  return {
    outcome: "error",
    finding: `${kind} looks at the incident's app, and this incident has no app.`,
    output: "",
    facts: {},
  };
}

export async function deploymentsRecent(
  services: Services,
  target: CheckTarget,
  params: CheckParams<"deployments.recent">,
  now = Date.now(),
): Promise<CheckDraft> {
  if (!target.app) return noApp("deployments.recent");
  const rows = await services.db.deployment.findMany({
    where: { appId: target.app.id },
    orderBy: { createdAt: "desc" },
    take: params.count,
    include: {
      release: { select: { number: true } },
      transitions: { orderBy: { at: "desc" }, take: 1, select: { at: true } },
    },
  });
  const name = target.app.name;
  if (rows.length === 0)
    return { outcome: "pass", finding: `${name} has no deployments yet`, output: "", facts: { deployments: [] } };
  const described = rows.map((row) => {
    const changed = row.transitions[0]?.at ?? row.createdAt;
    const release = row.release ? ` of release #${row.release.number}` : "";
    const stuck = inStatusGroup(ACTIVE_DEPLOYMENT_STATUSES, row.status) && now - changed.getTime() > STUCK_AFTER_MS;
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      release: row.release?.number ?? null,
      text: `${row.kind}${release} by ${row.requestedByEmail ?? "Wheelhouse"}: ${row.status} ${ago(now - changed.getTime())}${row.failureReason ? ` (${row.failureReason})` : ""}`,
      stuck,
      changedAt: changed.toISOString(),
      failureReason: row.failureReason,
    };
  });
  const output = described.map((row) => `${row.changedAt} ${row.text}`).join("\n");
  const facts = { deployments: described.map(({ text: _text, ...rest }) => rest) };
  const stuck = described.find((row) => row.stuck);
  if (stuck)
    return {
      outcome: "fail",
      finding: `a ${stuck.kind} of ${name} is stuck: ${stuck.status} since ${ago(now - Date.parse(stuck.changedAt))}; its log says which step waits`,
      output,
      facts,
    };
  const newest = described[0];
  if (newest?.status === "Failed")
    return {
      outcome: "fail",
      finding: `the last ${newest.kind} of ${name} failed: ${newest.failureReason ?? "no reason recorded"}`,
      output,
      facts,
    };
  const failed = described.filter((row) => row.status === "Failed").length;
  const earlier = failed > 0 ? ` (${failed} of the last ${described.length} failed before it)` : "";
  return { outcome: "pass", finding: `last change: ${newest?.text}${earlier}`, output, facts };
}

export async function agentReachable(services: Services, target: CheckTarget): Promise<CheckDraft> {
  if (!target.host)
    return { outcome: "error", finding: "The incident names no host, and its app has none.", output: "", facts: {} };
  const { id, name } = target.host;
  const row = await services.db.host.findUnique({ where: { id }, select: { lastSeenAt: true, dockerError: true } });
  if (!services.agents.get(id)) {
    const seen = row?.lastSeenAt ? `last seen ${ago(Date.now() - row.lastSeenAt.getTime())}` : "never seen";
    return {
      outcome: "fail",
      finding: `the agent of ${name} is not connected (${seen}): check that wheelhouse-agent runs there and reaches the portal`,
      output: "",
      facts: { connected: false, lastSeenAt: row?.lastSeenAt?.toISOString() ?? null },
    };
  }
  const started = performance.now();
  try {
    await services.agents.command(id, "agent.ping", {}, { timeoutMs: PING_TIMEOUT_MS });
  } catch (error) {
    return {
      outcome: "fail",
      finding: `the agent of ${name} is connected but does not answer: ${reasonOf(error)}`,
      output: "",
      facts: { connected: true, answered: false },
    };
  }
  const ms = Math.round(performance.now() - started);
  const inventory = services.inventory.get(id);
  const dockerError = inventory?.dockerError ?? row?.dockerError ?? null;
  const facts = {
    connected: true,
    answered: true,
    pingMs: ms,
    dockerError,
    dockerVersion: inventory?.dockerVersion ?? null,
  };
  if (dockerError)
    return {
      outcome: "fail",
      finding: `the agent of ${name} answers in ${ms} ms but its Docker engine does not: ${dockerError}`,
      output: dockerError,
      facts,
    };
  const version = inventory?.dockerVersion ? ` (Docker ${inventory.dockerVersion})` : "";
  return {
    outcome: "pass",
    finding: `the agent of ${name} answers in ${ms} ms and its Docker engine too${version}`,
    output: "",
    facts,
  };
}

export async function imageStatusCheck(services: Services, teamId: string, target: CheckTarget): Promise<CheckDraft> {
  if (!target.app) return noApp("image.status");
  const status = await imageStatus(services, teamId, target.app.name, { askRegistry: true });
  const newest = status.registry?.digest ?? status.lastPush?.digest ?? null;
  const deploying =
    status.lastDeployment?.digest === newest &&
    status.lastDeployment !== null &&
    inStatusGroup(ACTIVE_DEPLOYMENT_STATUSES, status.lastDeployment.status);
  const behind = newest !== null && status.live?.digest !== newest && !deploying;
  const facts = {
    newestDigest: newest,
    liveDigest: status.live?.digest ?? null,
    autoDeploy: status.autoDeploy,
    lastPushAt: status.lastPush?.receivedAt ?? null,
  };
  const output = JSON.stringify(status, null, 2);
  if (behind)
    return {
      outcome: "fail",
      finding: `pushed but not deployed: ${status.verdict}`,
      output,
      facts,
    };
  return { outcome: "pass", finding: status.verdict, output, facts };
}
