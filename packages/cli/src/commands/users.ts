// wheelhouse users create / users list.
import { createUserInputSchema, ROLES, type teamUserSchema } from "@wheelhouse/shared";
import { type Command, Option } from "commander";
import type { z } from "zod";
import { type Context, connect } from "../context";
import { UsageError } from "../errors";
import { formatRelativeTime } from "../output/format";
import { renderTable } from "../output/table";
import { printJson } from "../output/terminal";

interface CreateOptions {
  role: (typeof ROLES)[number];
  team?: string;
  password: string;
  name?: string;
}

const FLAG_FOR_FIELD: Record<string, string> = {
  email: "EMAIL",
  name: "--name",
  password: "--password",
  role: "--role",
  team: "--team",
};

export function buildCreateUserInput(email: string, options: CreateOptions) {
  const parsed = createUserInputSchema.safeParse({
    email,
    role: options.role,
    password: options.password,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.team === undefined ? {} : { team: options.team }),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = typeof issue?.path[0] === "string" ? issue.path[0] : "";
  throw new UsageError(`${FLAG_FOR_FIELD[field] ?? "value"}: ${issue?.message ?? "invalid value"}`);
}

async function createUser(context: Context, email: string, options: CreateOptions): Promise<void> {
  const user = await connect(context).createUser(buildCreateUserInput(email, options));
  const who = user.name && user.name !== user.email ? `${user.name} <${user.email}>` : user.email;
  context.terminal.out(`Created ${who} as ${user.role}; they can sign in with the password you set.\n`);
}

export function usersTable(users: readonly z.infer<typeof teamUserSchema>[], context: Context): string {
  const now = context.now();
  return renderTable(
    ["EMAIL", "NAME", "ROLE", "STATE", "CREATED"],
    users.map((user) => [
      user.email,
      user.name,
      user.role,
      user.disabled ? context.terminal.paint("disabled", "muted") : "active",
      formatRelativeTime(user.createdAt, now),
    ]),
  );
}

async function listUsers(context: Context, options: { json?: boolean }): Promise<void> {
  const users = await connect(context).listUsers();
  if (options.json) return printJson(context.terminal, users);
  context.terminal.out(usersTable(users, context));
}

export function registerUsersCommands(program: Command, context: Context): void {
  const users = program.command("users").description("Add and list the team's members (adding needs admin).");

  users
    .command("create")
    .description("Add a member to the team.")
    .argument("<email>", "their email address, used to sign in")
    .addOption(new Option("--role <role>", "what they may do").choices(ROLES).makeOptionMandatory())
    .requiredOption("--password <password>", "their first password (at least 12 characters)")
    .option("--team <team>", "the team's name (default: your team)")
    .option("--name <name>", "their name as shown in the portal")
    .addHelpText(
      "after",
      "\nExample:\n  wheelhouse users create ada@example.com --role operator --name 'Ada Lovelace' --password '...'",
    )
    .action((email: string, options: CreateOptions) => createUser(context, email, options));

  users
    .command("list")
    .description("List the team's members.")
    .option("--json", "print the members as a JSON array")
    .action((options: { json?: boolean }) => listUsers(context, options));
}
