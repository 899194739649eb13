// The one polling helper of the test suites: asks `probe` every `intervalMs` until its answer is
// accepted, and otherwise fails with a sentence naming what it waited for and the last answer seen,
// so that a timed-out wait says what was missing rather than "timeout".

export interface WaitOptions<T> {
  /** What the test waits for, as the failure sentence should name it ("shop's instance Healthy"). */
  what: string;
  timeoutMs: number;
  /** Pause between two probes; 100 ms unless told. */
  intervalMs?: number;
  /** When the answer is good enough; without it, any truthy answer is. */
  until?: (value: T) => boolean;
  /** A reason to stop waiting at once (the process under test exited), or undefined to go on. */
  giveUpIf?: () => string | undefined;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

const LAST_SEEN_CHARS = 600;

/** Short text of the last answer (or the error the probe threw) for the failure sentence. */
function describe(last: { value: unknown } | { error: unknown } | null): string {
  if (last === null) return "no answer yet";
  if ("error" in last)
    return `the probe threw: ${last.error instanceof Error ? last.error.message : String(last.error)}`;
  let text: string;
  try {
    text = typeof last.value === "string" ? last.value : (JSON.stringify(last.value) ?? String(last.value));
  } catch {
    // A value JSON cannot represent (a cycle, a BigInt): its plain string form still says something.
    text = String(last.value);
  }
  return text.length > LAST_SEEN_CHARS ? `${text.slice(0, LAST_SEEN_CHARS)}…` : text;
}

/**
 * Polls `probe` until its answer is accepted and returns that answer. A probe that throws (a portal
 * restarting resets its connections) counts as a bad answer, and its error is the last one seen.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitOptions<T> & { until: (value: T) => boolean },
): Promise<T>;
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions<T>): Promise<Truthy<T>>;
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions<T>): Promise<T> {
  const { what, timeoutMs, intervalMs = 100, until = (value: T) => Boolean(value), giveUpIf } = options;
  const started = Date.now();
  let last: { value: T } | { error: unknown } | null = null;
  for (;;) {
    const reason = giveUpIf?.();
    if (reason) throw new Error(`Stopped waiting for ${what}: ${reason} (last seen: ${describe(last)}).`);
    try {
      const value = await probe();
      if (until(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() - started >= timeoutMs)
      throw new Error(`Waited ${timeoutMs} ms for ${what}, in vain; last seen: ${describe(last)}.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
