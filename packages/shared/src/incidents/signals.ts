// Signals: something is wrong. Each has a fingerprint (kind + app/host + reason class): while an
// incident with the same fingerprint is open, a signal adds to its timeline instead of opening
// another, so a flapping check opens one incident (issue 13 item 2).
import { z } from "zod";
import { SEVERITIES } from "../statuses/incident-statuses";

export const SIGNAL_KINDS = [
  "instance.unhealthy",
  "deployment.failed",
  "agent.lost",
  "certificate.failed",
  "certificate.expiring",
  "alert",
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** What became of a signal: wheelhouse_signals_total{kind,outcome}. */
export const SIGNAL_OUTCOMES = ["opened", "deduplicated", "ignored"] as const;
export type SignalOutcome = (typeof SIGNAL_OUTCOMES)[number];

/**
 * A signal as its source raises it, inside the portal. `reasonClass` is the stable part of the reason
 * (e.g. "readiness" for a failing probe, the alert's name for an alert), never a changing detail such
 * as a latency or a count, so repeats share one fingerprint.
 */
export const raisedSignalSchema = z
  .object({
    teamId: z.string().min(1).max(64),
    kind: z.enum(SIGNAL_KINDS),
    appId: z.string().min(1).max(64).nullable(),
    hostId: z.string().min(1).max(64).nullable(),
    reasonClass: z.string().min(1).max(200),
    /** One sentence a person reads on the timeline. */
    summary: z.string().min(1).max(1_000),
    /** firing, or resolved (alerts): a resolved signal adds to the timeline and never opens an incident. */
    state: z.enum(["firing", "resolved"]).default("firing"),
    /** Only alerts carry their own severity (from the `severity` label); rules decide the others. */
    severity: z.enum(SEVERITIES).nullable().default(null),
    /**
     * Facts the rules read: `noHealthyInstanceLeft` (instance.unhealthy), `environment` (the app's),
     * plus anything worth keeping (deployment id, alert labels). Bounded JSON.
     */
    details: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type RaisedSignal = z.input<typeof raisedSignalSchema>;
export type ParsedSignal = z.output<typeof raisedSignalSchema>;

/** kind + app/host + reason class. */
export function signalFingerprint(signal: Pick<ParsedSignal, "kind" | "appId" | "hostId" | "reasonClass">): string {
  return [signal.kind, signal.appId ?? "-", signal.hostId ?? "-", signal.reasonClass].join(":");
}
