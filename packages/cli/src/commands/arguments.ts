// Checks of what was typed, with the shared schemas, before anything is sent: a bad value stops the
// command with exit code 2 and the schema's own sentence.
import { appNameSchema } from "@wheelhouse/shared";
import type { z } from "zod";
import { UsageError } from "../errors";

/** Parses `value` or throws a UsageError naming the flag or argument (`label`) that was wrong. */
export function parseArgument<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  label: string,
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? "invalid value";
  throw new UsageError(`${label}: ${message}`);
}

export function parseAppName(value: string): string {
  return parseArgument(appNameSchema, value, `NAME "${value}"`);
}

/** Digits only; anything else becomes NaN so that the schema's "whole number" message is shown. */
export function wholeNumber(text: string): number {
  return /^\+?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
}

/** Commander's collector for options that may be given several times (--domain a --domain b). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A release number as typed after --to. */
export function parseReleaseNumber(text: string): number {
  const number = wholeNumber(text);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`--to "${text}": A release number is a whole number from 1 (see wheelhouse releases NAME).`);
  }
  return number;
}

/** --reason: trimmed, at most 500 characters (as the portal stores it), left out when blank. */
export function parseReason(text: string | undefined): string | undefined {
  const reason = text?.trim();
  if (!reason) return undefined;
  if (reason.length > 500) throw new UsageError(`--reason: A reason is at most 500 characters (got ${reason.length}).`);
  return reason;
}
