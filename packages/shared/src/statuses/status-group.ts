// Membership in a named group of statuses. Rows store statuses as plain strings (SQLite has no enum
// type), so a check against a group narrows the string to the vocabulary instead of casting it.
export function inStatusGroup<S extends string>(group: readonly S[], status: string): status is S {
  return (group as readonly string[]).includes(status);
}
