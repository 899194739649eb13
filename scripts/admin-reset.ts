// `npm run admin:reset -- EMAIL`: a password reset link for a locked-out member (the first admin,
// typically), made on the host from the same settings the portal reads (DATA_DIR, DATABASE_URL,
// PUBLIC_URL: README "Settings"). Whoever can run this can read the database anyway; the link is
// the same single-use, one-hour link an admin makes on the Settings page, and it is audited.
import { emailSchema } from "@wheelhouse/shared";
import { createResetLink } from "../apps/web/src/server/access/password-reset.ts";
import { recordAudit } from "../apps/web/src/server/audit/audit-log.ts";
import { ConfigError, parseConfig } from "../apps/web/src/server/config/env.ts";
import { createDb, type Db } from "../apps/web/src/server/db/client.ts";
import { AppError } from "../apps/web/src/server/errors/app-error.ts";

const ACTOR = "npm run admin:reset";

function fail(message: string, code = 1): never {
  process.stderr.write(`admin:reset: ${message}\n`);
  process.exit(code);
}

async function makeLink(db: Db, email: string, publicUrl: string): Promise<string> {
  const user = await db.user.findUnique({
    where: { email },
    include: { memberships: { include: { team: true }, orderBy: { createdAt: "asc" }, take: 1 } },
  });
  const membership = user?.memberships[0];
  if (!user || !membership) {
    const admins = await db.membership.findMany({ where: { role: "admin" }, include: { user: true } });
    const known = admins.map((a) => a.user.email).join(", ");
    fail(
      `no member has the email ${email}.${known ? ` The admins are: ${known}.` : " There is no admin yet: open the portal to set one up."}`,
    );
  }
  const created = await createResetLink(db, { team: membership.team, createdById: ACTOR, email, publicUrl });
  await recordAudit(db, {
    actorName: ACTOR,
    teamId: membership.teamId,
    action: "users.password.reset-link",
    target: { type: "user", id: user.id },
    outcome: "success",
    details: { email, via: "admin:reset" },
  });
  return created.link;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  if (args.length !== 1) fail("give the email of the account, e.g. npm run admin:reset -- ada@example.com", 2);
  const email = emailSchema.safeParse(args[0]);
  if (!email.success) fail(`"${args[0]}" is not an email address.`, 2);
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  const db = createDb(config.database);
  try {
    const link = await makeLink(db, email.data, config.publicUrl);
    process.stdout.write(`${link}\n`);
    process.stderr.write(
      `Open this link within one hour to set a new password for ${email.data}; it works once and ends every session of that account.\n`,
    );
  } catch (error) {
    if (error instanceof AppError) fail(error.message);
    // The likeliest cause on a fresh machine: the portal never started here, so there are no tables.
    fail(
      `could not read the database (${config.database.kind === "sqlite" ? config.database.file : "DATABASE_URL"}): ${(error as Error).message.split("\n")[0]}. Run this with the portal's DATA_DIR and DATABASE_URL, after the portal has started once.`,
    );
  } finally {
    await db.$disconnect();
  }
}

await main();
