// The team's recent signals, newest first, with what became of each (the Settings page and
// GET /api/v1/signals): the place to see why a signal did or did not open an incident.
import { SIGNAL_KINDS, SIGNAL_OUTCOMES, type signalSchema } from "@wheelhouse/shared";
import type { z } from "zod";
import type { Db } from "../db/client";

type SignalDto = z.infer<typeof signalSchema>;

export async function recentSignals(db: Db, teamId: string, limit: number): Promise<SignalDto[]> {
  const rows = await db.signal.findMany({
    where: { teamId },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, kind: true, summary: true, outcome: true, receivedAt: true, incidentId: true },
  });
  // Rows are written by the intake with these values only; a row that is not is left out, not shown wrong.
  return rows.flatMap((row) => {
    const kind = SIGNAL_KINDS.find((known) => known === row.kind);
    const outcome = SIGNAL_OUTCOMES.find((known) => known === row.outcome);
    if (!kind || !outcome) return [];
    return [{ ...row, kind, outcome, receivedAt: row.receivedAt.toISOString() }];
  });
}
