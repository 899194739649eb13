// The five gated app actions as one parameterised piece (issue 14): what each binds when it is
// asked (after the same refusals the action itself makes first), how bound parameters become the
// action's input again, and the one function that runs it. The direct path (no policy, or
// break-glass) and an approved request's execution both call runAction, which calls the functions
// the app routes always used (deployments/deployment-requests.ts, apps/app-changes.ts).
import type { Action, ApprovalParams, Deployment, Environment, GatedAction } from "@wheelhouse/shared";
import { switchMaintenance } from "../apps/app-changes";
import type { AppRecord } from "../apps/app-record";
import type { Db } from "../db/client";
import {
  type Requester,
  requestDeploy,
  requestRestart,
  requestRollback,
  requestScale,
} from "../deployments/deployment-requests";
import type { AppError } from "../errors/app-error";
import { refuseIfLive, requireLiveRelease } from "../releases/live-release";
import { findRelease } from "../releases/releases";
import type { PortalServices } from "../services";

/** The permission each gated action needs: restart and scale are deploys of the live release. */
export const PERMISSION_OF: Record<GatedAction, Action> = {
  "apps.rollback": "apps.rollback",
  "apps.deploy": "apps.deploy",
  "apps.restart": "apps.deploy",
  "apps.scale": "apps.deploy",
  "apps.maintenance": "apps.maintenance",
};

export type ActionServices = Pick<PortalServices, "db" | "secrets" | "deployments" | "nginx">;

/** What a person asked, as the app routes take it (without reason and breakGlass). */
export type GatedInput =
  | { action: "apps.rollback"; name: string; releaseNumber: number }
  | { action: "apps.deploy"; name: string; image?: string | undefined }
  | { action: "apps.restart"; name: string }
  | { action: "apps.scale"; name: string; replicas: number }
  | { action: "apps.maintenance"; name: string; enabled: boolean };

export interface ActionRun {
  app: AppRecord;
  deployment: Deployment | null;
  /** The action's own audit entry, the same whichever path ran it. */
  audit: { action: string; details: Record<string, unknown> };
  /** Maintenance only: stored in Wheelhouse, but a host's nginx did not take it. */
  failure: AppError | null;
}

async function hostsOf(db: Db, app: AppRecord): Promise<{ id: string; name: string }[]> {
  const rows = await db.host.findMany({ where: { id: { in: app.hostIds } }, select: { id: true, name: true } });
  // In the app's order, which is the order the person gave.
  return app.hostIds.flatMap((id) => rows.filter((row) => row.id === id));
}

async function liveRelease(db: Db, app: AppRecord, verb: "restart" | "scale") {
  const id = await requireLiveRelease(db, app, verb);
  const release = await db.release.findUniqueOrThrow({ where: { id } });
  return { releaseNumber: release.number, releaseId: release.id, imageDigest: release.imageDigest };
}

/**
 * The exact parameters a request binds. Refuses first what the action itself would refuse (no such
 * release, rolling back to the live one, nothing live to restart), so no request waits for nothing.
 */
export async function bindParams(db: Db, app: AppRecord, input: GatedInput): Promise<ApprovalParams> {
  const hosts = await hostsOf(db, app);
  switch (input.action) {
    case "apps.rollback": {
      const release = await findRelease(db, app, input.releaseNumber);
      await refuseIfLive(db, app, release);
      return {
        action: input.action,
        releaseNumber: release.number,
        releaseId: release.id,
        imageDigest: release.imageDigest,
        hosts,
        replicas: app.replicas,
      };
    }
    case "apps.deploy":
      return { action: input.action, imageRef: input.image ?? app.image, hosts, replicas: app.replicas };
    case "apps.restart":
      return { action: input.action, ...(await liveRelease(db, app, "restart")), hosts, replicas: app.replicas };
    case "apps.scale":
      return {
        action: input.action,
        ...(await liveRelease(db, app, "scale")),
        hosts,
        fromReplicas: app.replicas,
        replicas: input.replicas,
      };
    case "apps.maintenance":
      return { action: input.action, enabled: input.enabled, hosts };
  }
}

/** Bound parameters as the action's input again, for the approved execution. */
export function inputOf(appName: string, params: ApprovalParams): GatedInput {
  switch (params.action) {
    case "apps.rollback":
      return { action: params.action, name: appName, releaseNumber: params.releaseNumber };
    case "apps.deploy":
      return { action: params.action, name: appName, image: params.imageRef };
    case "apps.restart":
      return { action: params.action, name: appName };
    case "apps.scale":
      return { action: params.action, name: appName, replicas: params.replicas };
    case "apps.maintenance":
      return { action: params.action, name: appName, enabled: params.enabled };
  }
}

/** Runs the action as `requester`; `reason` is what the deployment records. */
export async function runAction(
  services: ActionServices,
  requester: Requester,
  input: GatedInput,
  reason: string | undefined,
): Promise<ActionRun> {
  switch (input.action) {
    case "apps.rollback": {
      const { app, release, deployment } = await requestRollback(services, requester, { ...input, reason });
      return {
        app,
        deployment,
        failure: null,
        audit: {
          action: input.action,
          details: {
            name: app.name,
            releaseNumber: release.number,
            imageDigest: release.imageDigest,
            deploymentId: deployment.id,
          },
        },
      };
    }
    case "apps.deploy": {
      const { app, deployment } = await requestDeploy(services, requester, { ...input, reason });
      return {
        app,
        deployment,
        failure: null,
        audit: { action: input.action, details: { name: app.name, image: app.image, deploymentId: deployment.id } },
      };
    }
    case "apps.restart": {
      const { app, deployment } = await requestRestart(services, requester, { name: input.name, reason });
      return {
        app,
        deployment,
        failure: null,
        audit: { action: input.action, details: { name: app.name, deploymentId: deployment.id } },
      };
    }
    case "apps.scale": {
      const { app, deployment } = await requestScale(services, requester, input);
      return {
        app,
        deployment,
        failure: null,
        audit: {
          action: input.action,
          details: { name: app.name, replicas: input.replicas, deploymentId: deployment.id },
        },
      };
    }
    case "apps.maintenance": {
      const { record, failure } = await switchMaintenance(services, requester.team.id, input);
      return {
        app: record,
        deployment: null,
        failure: failure?.error ?? null,
        audit: {
          action: input.enabled ? "apps.maintenance.on" : "apps.maintenance.off",
          details: { name: record.name, ...(failure ? { error: failure.message } : {}) },
        },
      };
    }
  }
}

const GERUNDS: Record<Exclude<GatedAction, "apps.maintenance">, string> = {
  "apps.rollback": "Rolling back",
  "apps.deploy": "Deploying",
  "apps.restart": "Restarting",
  "apps.scale": "Scaling",
};

/** "Rolling back shop in production", "Turning maintenance mode on for shop in production". */
export function askedPhrase(params: ApprovalParams, appName: string, environment: Environment | string): string {
  if (params.action === "apps.maintenance") {
    return `Turning maintenance mode ${params.enabled ? "on" : "off"} for ${appName} in ${environment}`;
  }
  return `${GERUNDS[params.action]} ${appName} in ${environment}`;
}
