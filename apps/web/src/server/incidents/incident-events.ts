// The one way an incident's stored timeline grows: a typed IncidentEvent row whose `data` is parsed
// with its kind's schema before it is written (packages/shared/src/incidents/timeline.ts), so what
// the timeline reads back is what the schema says. Runbook steps (runbooks/) write through here too.
import { STORED_TIMELINE_DATA, type StoredTimelineData, type StoredTimelineKind } from "@wheelhouse/shared";
import type { Db } from "../db/client";

/** Who did it: a person, or nobody (a signal, a rule). */
export type EventActor = { id: string; email: string } | null;

type Client = Pick<Db, "incidentEvent">;

export async function appendIncidentEvent<K extends StoredTimelineKind>(
  db: Client,
  incidentId: string,
  kind: K,
  data: StoredTimelineData<K>,
  actor: EventActor,
  at: Date = new Date(),
): Promise<void> {
  const parsed: unknown = STORED_TIMELINE_DATA[kind].parse(data);
  await db.incidentEvent.create({
    data: {
      incidentId,
      kind,
      at,
      actorId: actor?.id ?? null,
      actorEmail: actor?.email ?? null,
      data: JSON.stringify(parsed),
    },
  });
}
