// A `where` on a status column that names a group from packages/shared (statuses/): the group is
// typed, so a misspelt status does not compile. Prisma's `in` wants a mutable array, hence the copy.
export function statusIn<S extends string>(group: readonly S[]): { in: S[] } {
  return { in: [...group] };
}
