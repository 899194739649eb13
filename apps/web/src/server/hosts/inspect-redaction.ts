// What of the engine's inspect document a person may read: environment values only where they may
// open a shell (issue 9), the health check's output only with logs.read (it is the container's own
// output). Pure, and it never changes the agent's answer in place.

const HIDDEN = "(hidden)";

export interface InspectRedaction {
  /** Null shows the values; otherwise the sentence that says why they are hidden. */
  envValues: string | null;
  healthOutput: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "KEY=value" → "KEY=(hidden)"; anything that is not a string is dropped. */
function hideValues(env: unknown): string[] {
  if (!Array.isArray(env)) return [];
  return env
    .filter((item): item is string => typeof item === "string")
    .map((item) => `${item.split("=")[0]}=${HIDDEN}`);
}

export function redactInspect(document: Record<string, unknown>, rules: InspectRedaction): Record<string, unknown> {
  const result: Record<string, unknown> = { ...document };
  if (rules.envValues !== null && isRecord(document.Config)) {
    result.Config = { ...document.Config, Env: hideValues(document.Config.Env) };
    result.WheelhouseNote = `Environment values hidden: ${rules.envValues}`;
  }
  const state = document.State;
  if (!rules.healthOutput && isRecord(state) && isRecord(state.Health) && Array.isArray(state.Health.Log)) {
    const log = state.Health.Log.map((entry: unknown) => (isRecord(entry) ? { ...entry, Output: HIDDEN } : entry));
    result.State = { ...state, Health: { ...state.Health, Log: log } };
  }
  return result;
}
