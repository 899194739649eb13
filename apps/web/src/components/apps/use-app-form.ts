"use client";
// Form state for an app: values, which fields were left, and the errors to show — a field's
// error appears once the person leaves it or tries to submit, never while typing the first time.
import { useCallback, useMemo, useState } from "react";
import {
  type AppField,
  type AppFieldErrors,
  type AppFormValues,
  hasErrors,
  serverFieldErrors,
  validateAppForm,
} from "./app-form-values";

export function useAppForm(initial: AppFormValues, options: { creating: boolean; hostCount: number }) {
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const { creating, hostCount } = options;
  const validation = useMemo(() => validateAppForm(values, { creating, hostCount }), [values, creating, hostCount]);

  const change = useCallback((patch: Partial<AppFormValues>) => setValues((current) => ({ ...current, ...patch })), []);
  const shown = (field: string) => submitted || touched.has(field);
  return {
    values,
    change,
    blur: (field: AppField | "env" | "secrets") =>
      setTouched((current) => (current.has(field) ? current : new Set([...current, field]))),
    reset: (next: AppFormValues) => {
      setValues(next);
      setTouched(new Set());
      setSubmitted(false);
    },
    /** Marks every field as shown; true when the values may be sent. */
    attemptSubmit: () => {
      setSubmitted(true);
      return !hasErrors(validation);
    },
    /** The client's message first; the server's for the same field when the client saw none. */
    errors: (serverError: unknown) => {
      const server = serverFieldErrors(serverError);
      const fields: AppFieldErrors = {};
      for (const [field, message] of Object.entries(validation.fields) as [AppField, string | undefined][]) {
        const text = (shown(field) ? message : undefined) ?? server[field]?.[0];
        if (text) fields[field] = text;
      }
      return {
        fields,
        env: shown("env") ? validation.env : {},
        secrets: shown("secrets") ? validation.secrets : {},
        server: { env: server.env?.[0], secrets: server.secrets?.[0] },
      };
    },
  };
}
