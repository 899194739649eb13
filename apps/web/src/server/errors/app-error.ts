// Domain errors carry a code; only the transport edge (tRPC, sockets) turns them into responses.
export const APP_ERROR_CODES = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  // Refusals a page answers with its own step (access/second-factor-gate.ts): the tRPC edge passes
  // the code on as `data.appCode`, so the page can ask for a code or send the person to enrol.
  STEP_UP_REQUIRED: 403,
  SECOND_FACTOR_SETUP_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  NOT_READY: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    /** A sentence a person can act on; shown in the UI as it is. */
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Any thrown value as the end of a sentence: an Error's message, or the value as text. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
