// Environment variables and secrets as editable rows, and the checks the server would make on them,
// so a person sees the sentence beside the row instead of after submitting.
import { envKeySchema, envValueSchema, RESERVED_ENV_KEYS } from "@wheelhouse/shared";

export interface EnvRow {
  id: string;
  key: string;
  value: string;
}

let lastRowId = 0;
export function newEnvRow(key = "", value = ""): EnvRow {
  lastRowId += 1;
  return { id: `env-${lastRowId}`, key, value };
}

export function rowsFromMap(map: Record<string, string>): EnvRow[] {
  return Object.entries(map).map(([key, value]) => newEnvRow(key, value));
}

function isBlank(row: EnvRow): boolean {
  return row.key.trim() === "" && row.value === "";
}

/** Rows left entirely empty are ignored, so a spare row never blocks a submit. */
export function rowsToMap(rows: EnvRow[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const row of rows) if (!isBlank(row)) map[row.key.trim()] = row.value;
  return map;
}

/** The first problem of each row, by row id. `taken` are names used elsewhere (the other list). */
export function envRowErrors(rows: EnvRow[], taken: Iterable<string> = []): Record<string, string> {
  const errors: Record<string, string> = {};
  const elsewhere = new Set(taken);
  const seen = new Set<string>();
  for (const row of rows) {
    if (isBlank(row)) continue;
    const key = row.key.trim();
    const keyCheck = envKeySchema.safeParse(key);
    const valueCheck = envValueSchema.safeParse(row.value);
    if (key === "") errors[row.id] = "Give the variable a name.";
    else if (!keyCheck.success) errors[row.id] = keyCheck.error.issues[0]?.message ?? "Not a valid variable name.";
    else if ((RESERVED_ENV_KEYS as readonly string[]).includes(key))
      errors[row.id] = `${key} is set by Wheelhouse for every instance; remove it.`;
    else if (seen.has(key)) errors[row.id] = `${key} is listed twice.`;
    else if (elsewhere.has(key)) errors[row.id] = `${key} is both a variable and a secret; keep one.`;
    else if (!valueCheck.success) errors[row.id] = valueCheck.error.issues[0]?.message ?? "The value is too long.";
    seen.add(key);
  }
  return errors;
}
