// Turns whatever a failed call threw into the sentence a person should read.
import { TRPCClientError } from "@trpc/client";

export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error)
    return `Could not reach Wheelhouse (${error.message}). Check your connection and try again.`;
  return "Something went wrong.";
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}

export function isNotFound(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "NOT_FOUND";
}

/** The server's own refusal code (STEP_UP_REQUIRED, SECOND_FACTOR_SETUP_REQUIRED…), when it sent one. */
export function appErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return (error.data as { appCode?: string } | undefined)?.appCode;
}
