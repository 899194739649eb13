// The engine's own words from a dockerode error. dockerode wraps the engine's message as
// "(HTTP code 500) server error - <message> "; people act on the message, not on the wrapper.

/** The HTTP status the engine answered with, when the error came from the engine. */
export function engineStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** The engine's message without dockerode's "(HTTP code N) reason - " prefix. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  if (json && typeof json === "object" && typeof (json as { message?: unknown }).message === "string") {
    return (json as { message: string }).message.trim();
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}

/**
 * The engine's 409 to a remove while another remove of the same container runs ("removal of
 * container … is already in progress"): the container is going, which is what the caller wanted.
 */
export function isRemovalUnderway(error: unknown): boolean {
  return engineStatus(error) === 409 && /removal of container \S+ is already in progress/.test(engineMessage(error));
}

/** Runs a remove; a container already gone (404) or already being removed (409) counts as removed. */
export async function removing(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (engineStatus(error) === 404 || isRemovalUnderway(error)) return;
    throw error;
  }
}

/** Runs `action`; a 404 from the engine becomes `undefined` instead of an error. */
export async function unlessMissing<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (engineStatus(error) === 404) return undefined;
    throw error;
  }
}
