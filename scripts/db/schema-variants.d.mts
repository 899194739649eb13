export function postgresVariant(sqliteSchema: string, options?: { outputRelativeTo?: "source" | "generated" }): string;
