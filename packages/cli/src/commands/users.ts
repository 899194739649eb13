// wheelhouse users create / list / invite / reset-password / remove.
import {
  createUserInputSchema,
  emailSchema,
  inviteInputSchema,
  ROLES,
  resetLinkInputSchema,
  type teamUserSchema,
} from "@wheelhouse/shared";
import { type Command, Option } from "commander";
import type { z } from "zod";
import { type Context, connect } from "../context";
import { OperationFailedError, UsageError } from "../errors";
import { formatRelativeTime, formatTimeUntil } from "../output/format";
import { renderTable } from "../output/table";
import { printJson } from "../output/terminal";
import { parseArgument } from "./arguments";

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

// The link alone on stdout (so `wheelhouse users invite … | pbcopy` copies just it); what to do with it on stderr.
async function inviteUser(context: Context, rawEmail: string, options: { role: string; json?: boolean }) {
  const input = parseArgument(inviteInputSchema, { email: rawEmail, role: options.role }, `EMAIL "${rawEmail}"`);
  const created = await connect(context).createInvite(input);
  if (options.json) return printJson(context.terminal, { ...created.invite, link: created.link });
  context.terminal.err(
    `Send this link to ${created.invite.email} privately. It works once, expires ${formatTimeUntil(created.invite.expiresAt, context.now())}, and lets them set their name and password and join as ${created.invite.role}:\n\n`,
  );
  context.terminal.out(`${created.link}\n`);
}

async function resetPassword(context: Context, rawEmail: string, options: { json?: boolean }) {
  const input = parseArgument(resetLinkInputSchema, { email: rawEmail }, `EMAIL "${rawEmail}"`);
  const created = await connect(context).createResetLink(input.email);
  if (options.json) return printJson(context.terminal, created);
  context.terminal.err(
    `Send this link to ${created.email} privately. It works once, expires ${formatTimeUntil(created.expiresAt, context.now())}, sets a new password and signs them out everywhere:\n\n`,
  );
  context.terminal.out(`${created.link}\n`);
}

/** Finds the member by email in GET /users (the route takes an id), then takes them out of the key's team. */
async function removeUser(context: Context, rawEmail: string, options: { json?: boolean }) {
  const email = parseArgument(emailSchema, rawEmail, `EMAIL "${rawEmail}"`);
  const client = connect(context);
  const member = (await client.listUsers()).find((user) => user.email === email);
  if (!member)
    throw new OperationFailedError(`No member of this team has the email ${email} (see wheelhouse users list).`);
  const removed = await client.removeUser(member.id);
  if (options.json) return printJson(context.terminal, removed);
  const keys =
    removed.revokedKeys === 0
      ? "they had no API keys for it"
      : `${removed.revokedKeys} of their API keys for it ${removed.revokedKeys === 1 ? "was" : "were"} revoked`;
  context.terminal.out(
    `Removed ${removed.email} (${removed.role}) from the team; ${keys}. Their account and any other teams stay.\n`,
  );
}

export function registerUsersCommands(program: Command, context: Context): void {
  const users = program
    .command("users")
    .description("Add, invite, list and remove the team's members (all but listing need admin).");

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
    .command("invite")
    .description("Invite someone to the team: prints a single-use link, valid 7 days, shown once.")
    .argument("<email>", "their email address, used to sign in")
    .addOption(new Option("--role <role>", "what they may do").choices(ROLES).makeOptionMandatory())
    .option("--json", "print the invite and its link as a JSON object")
    .addHelpText("after", "\nExample:\n  wheelhouse users invite ada@example.com --role operator")
    .action((email: string, options: { role: string; json?: boolean }) => inviteUser(context, email, options));

  users
    .command("reset-password")
    .description("Print a single-use password reset link for a member, valid 1 hour.")
    .argument("<email>", "the member's email address")
    .option("--json", "print the email, link and expiry as a JSON object")
    .action((email: string, options: { json?: boolean }) => resetPassword(context, email, options));

  users
    .command("remove")
    .description("Take a member out of this key's team; their account and other teams stay, their API keys for it end.")
    .argument("<email>", "the member's email address")
    .option("--json", "print { ok, email, role, revokedKeys } as a JSON object")
    .addHelpText("after", "\nExample:\n  wheelhouse users remove ada@example.com")
    .action((email: string, options: { json?: boolean }) => removeUser(context, email, options));

  users
    .command("list")
    .description("List the team's members.")
    .option("--json", "print the members as a JSON array")
    .action((options: { json?: boolean }) => listUsers(context, options));
}
