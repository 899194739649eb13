// Where every signal enters (issue 13 item 2): an instance Unhealthy (hosts/instance-health),
// a failed deployment (deployments/), an agent Lost, an Alertmanager alert (signals route). Each is
// stored as a Signal row with what became of it: added to the open incident with its fingerprint
// (deduplicated), an incident opened by the team's rules (opened), or nothing (ignored).
import type { RaisedSignal, SignalOutcome } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import type { Logger } from "../logging/logger";
import type { PortalMetrics } from "../metrics/registry";

export interface SignalIntakeDependencies {
  db: Db;
  logger: Logger;
  metrics: PortalMetrics;
}

export interface SignalReceipt {
  signalId: string;
  outcome: SignalOutcome;
  incidentId: string | null;
}

export class SignalIntake {
  constructor(private readonly dependencies: SignalIntakeDependencies) {}

  /** Stores the signal and decides what it does; never throws for a well-formed signal. */
  async raise(signal: RaisedSignal): Promise<SignalReceipt> {
    // Work in progress this session: the rules and incidents land with incidents/.
    this.dependencies.logger.debug({ kind: signal.kind }, "signal received");
    return { signalId: "", outcome: "ignored", incidentId: null };
  }
}
