// The apps list reads every app's hosts, live release and last deployment in one set of queries
// (toAppDtos); each app must still get its own, on a real SQLite database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelease } from "../releases/releases";
import { type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { listApps } from "./apps";

let scratch: ScratchDatabase;

beforeAll(async () => {
  scratch = await scratchDatabase("apps-list");
});

afterAll(async () => {
  await scratch.dispose();
});

async function deployment(appId: string, status: string, at: string, releaseId: string | null = null) {
  return scratch.db.deployment.create({
    data: { appId, releaseId, kind: "deploy", status, imageRef: "example/app:1", replicas: 1, createdAt: new Date(at) },
  });
}

describe("listApps", () => {
  it("gives each app its own live release, last deployment and status", async () => {
    const { db } = scratch;
    const live = await teamWithApp(db);
    const teamId = live.team.id;
    // Two more apps in the same team, on the same host.
    const deploying = await db.app.create({
      data: {
        ...appData(live.app),
        name: "b-deploying",
        teamId,
        hosts: { create: [{ hostId: live.host.id, position: 0 }] },
      },
    });
    const idle = await db.app.create({ data: { ...appData(live.app), name: "c-idle", teamId } });

    const release = await createRelease(db, live.app, {
      imageRef: "example/app:1",
      imageDigest: `sha256:${"a".repeat(64)}`,
      reason: null,
      createdBy: null,
    });
    await deployment(live.app.id, "Live", "2026-01-01T00:00:00Z", release.id);
    const failed = await deployment(live.app.id, "Failed", "2026-01-02T00:00:00Z");
    await deployment(deploying.id, "Failed", "2026-01-01T00:00:00Z");
    const queued = await deployment(deploying.id, "Queued", "2026-01-03T00:00:00Z");

    const apps = await listApps(db, teamId);
    const byName = new Map(apps.map((app) => [app.name, app]));
    expect(apps.map((app) => app.name)).toEqual([live.app.name, "b-deploying", "c-idle"]);

    const first = byName.get(live.app.name);
    expect(first?.status).toBe("Live");
    expect(first?.liveRelease?.number).toBe(release.number);
    expect(first?.lastDeployment?.id).toBe(failed.id);
    expect(first?.hosts).toEqual([{ id: live.host.id, name: live.host.name }]);

    const second = byName.get("b-deploying");
    expect(second?.status).toBe("Deploying");
    expect(second?.liveRelease).toBeNull();
    expect(second?.lastDeployment?.id).toBe(queued.id);

    const third = byName.get(idle.name);
    expect(third).toMatchObject({ status: "NotDeployed", liveRelease: null, lastDeployment: null, hosts: [] });
  });
});

function appData(app: Awaited<ReturnType<typeof teamWithApp>>["app"]) {
  return {
    environment: app.environment,
    image: app.image,
    port: app.port,
    healthPath: app.healthPath,
    healthTimeoutSeconds: app.healthTimeoutSeconds,
    replicas: app.replicas,
    network: app.network,
    restartPolicy: app.restartPolicy,
  };
}
