"use client";
// The one field every second-factor prompt uses: a code from the authenticator app (or, where
// allowed, a recovery code), checked by the shared schema before it is sent.
import { TextInput } from "@mantine/core";
import type { ChangeEvent } from "react";

export function SecondFactorCodeInput({
  value,
  onChange,
  error,
  allowRecovery = true,
  label = "Authentication code",
  autoFocus = false,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  allowRecovery?: boolean;
  label?: string;
  autoFocus?: boolean;
}) {
  return (
    <TextInput
      label={label}
      description={
        allowRecovery
          ? "The 6-digit code your authenticator app shows, or one of your recovery codes."
          : "The 6-digit code your authenticator app shows."
      }
      autoComplete="one-time-code"
      inputMode={allowRecovery ? "text" : "numeric"}
      maxLength={64}
      required
      value={value}
      error={error}
      data-autofocus={autoFocus || undefined}
      autoFocus={autoFocus}
      onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.currentTarget.value)}
    />
  );
}
