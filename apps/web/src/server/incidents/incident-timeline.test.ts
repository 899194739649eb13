// The timeline's composition, without a database: stored events, deployments and shells of the
// incident's window merged oldest first, ties kept in source order, and a shell's recording offered
// only to a reader who may play it.
import type { TimelineEntry } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { approvalEntry, composeTimeline, deploymentEntry, shellEntry, storedEntry } from "./incident-timeline";

const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, second));

const opened = storedEntry({
  id: 1,
  at: at(10),
  kind: "opened",
  actorEmail: null,
  data: JSON.stringify({ source: "signal", severity: "SEV2", summary: "shop failed" }),
});
const signal = storedEntry({
  id: 2,
  at: at(10),
  kind: "signal",
  actorEmail: null,
  data: JSON.stringify({ signalId: "s1", kind: "deployment.failed", state: "firing", summary: "shop failed" }),
});
const note = storedEntry({
  id: 3,
  at: at(40),
  kind: "note",
  actorEmail: "ada@example.com",
  data: JSON.stringify({ text: "rolling back" }),
});

function required(entry: TimelineEntry | null): TimelineEntry {
  if (!entry) throw new Error("the entry did not parse");
  return entry;
}

const deploy = required(
  deploymentEntry({
    id: "dep1",
    kind: "deploy",
    status: "Failed",
    failureReason: "exited with code 3",
    requestedByEmail: "ada@example.com",
    createdAt: at(2),
    release: { number: 7 },
  }),
);
const rollback = required(
  deploymentEntry({
    id: "dep2",
    kind: "rollback",
    status: "Live",
    failureReason: null,
    requestedByEmail: "bob@example.com",
    createdAt: at(40),
    release: { number: 6 },
  }),
);

const hostShell = {
  id: "t1",
  kind: "host",
  userEmail: "root@example.com",
  hostName: "web-1",
  containerName: null,
  startedAt: at(30),
  endedAt: at(35),
  recordingPath: "recordings/t1.cast",
};
const containerShell = { ...hostShell, id: "t2", kind: "container", containerName: "shop-7-1", startedAt: at(20) };

describe("composeTimeline", () => {
  it("orders every source by time, oldest first", () => {
    const timeline = composeTimeline({
      stored: [required(opened), required(signal), required(note)],
      deployments: [deploy, rollback],
      shells: [shellEntry(hostShell, "admin"), shellEntry(containerShell, "admin")],
    });
    expect(timeline.map((entry) => entry.id)).toEqual(["ddep1", "e1", "e2", "st2", "st1", "e3", "ddep2"]);
  });

  it("keeps entries of the same instant in source order: stored (as written), then deployments, then shells", () => {
    const sameTime = { ...containerShell, id: "t3", startedAt: at(40) };
    const timeline = composeTimeline({
      stored: [required(note)],
      deployments: [rollback],
      shells: [shellEntry(sameTime, "admin")],
    });
    expect(timeline.map((entry) => entry.kind)).toEqual(["note", "deployment", "shell"]);
  });

  it("names the deployment's release, status, reason and who asked", () => {
    expect(deploy).toMatchObject({
      actor: "ada@example.com",
      data: { kind: "deploy", status: "Failed", releaseNumber: 7, failureReason: "exited with code 3" },
    });
  });
});

describe("shell entries", () => {
  it("offer a host shell's recording to admins only, a container shell's to operators and up", () => {
    expect(shellEntry(hostShell, "admin").data).toMatchObject({ hasRecording: true });
    expect(shellEntry(hostShell, "operator").data).toMatchObject({ hasRecording: false });
    expect(shellEntry(containerShell, "operator").data).toMatchObject({ hasRecording: true });
    expect(shellEntry(containerShell, "viewer").data).toMatchObject({ hasRecording: false });
  });

  it("has no recording to offer for a session without one", () => {
    expect(shellEntry({ ...containerShell, kind: "exec", recordingPath: null }, "admin").data).toMatchObject({
      kind: "exec",
      hasRecording: false,
    });
  });
});

describe("stored entries", () => {
  it("refuse a row whose data does not fit its kind, or an unknown kind", () => {
    const base = { id: 9, at: at(1), actorEmail: null };
    expect(
      storedEntry({ ...base, kind: "status", data: JSON.stringify({ from: "Investigating", to: "Closed" }) }),
    ).toBeNull();
    expect(storedEntry({ ...base, kind: "teleport", data: "{}" })).toBeNull();
    expect(storedEntry({ ...base, kind: "note", data: "not json" })).toBeNull();
  });
});

describe("approval entries (issue 14)", () => {
  const breakGlass = {
    id: "req1",
    number: 4,
    action: "apps.rollback",
    params: JSON.stringify({
      action: "apps.rollback",
      releaseNumber: 6,
      releaseId: "rel6",
      imageDigest: "sha256:abc",
      hosts: [{ id: "h1", name: "web-1" }],
      replicas: 2,
    }),
    status: "executed",
    breakGlass: true,
    reason: "checkout is down",
    requesterEmail: "root@example.com",
    createdAt: at(25),
    reviews: [{ reviewerEmail: "ann@example.com", decision: "approve", comment: "ok", createdAt: at(26) }],
  };

  it("say what was asked, by whom and why, flag break-glass, and list the reviews", () => {
    expect(approvalEntry(breakGlass)).toEqual({
      id: "areq1",
      at: at(25).toISOString(),
      actor: "root@example.com",
      kind: "approval",
      data: {
        requestId: "req1",
        number: 4,
        action: "apps.rollback",
        summary: "Roll back to release 6 on web-1, 2 per host",
        status: "executed",
        breakGlass: true,
        reason: "checkout is down",
        requester: "root@example.com",
        reviews: [{ email: "ann@example.com", decision: "approve", comment: "ok", at: at(26).toISOString() }],
      },
    });
  });

  it("take their place by time among the other sources", () => {
    const timeline = composeTimeline({
      stored: [required(opened)],
      deployments: [rollback],
      shells: [],
      approvals: [required(approvalEntry(breakGlass))],
    });
    expect(timeline.map((entry) => entry.kind)).toEqual(["opened", "approval", "deployment"]);
  });

  it("refuse a row that does not parse", () => {
    expect(approvalEntry({ ...breakGlass, status: "maybe" })).toBeNull();
    expect(approvalEntry({ ...breakGlass, params: "{}" })).toBeNull();
  });
});
