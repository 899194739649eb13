// Who a validated sign-in at the provider is here (issue 16): the person linked to the provider's
// issuer and subject, else the person with that email (whose identity is linked now), else a new
// person in the team. Their role follows the groups claim at every sign-in. Then a session exactly
// as a password sign-in makes one (sign-in.ts beginSession). Free of HTTP: oidc-routes.ts calls it.
import { randomBytes } from "node:crypto";
import { emailSchema, type Role, roleSchema, type SsoErrorCode } from "@wheelhouse/shared";
import { isUniqueViolation } from "../../apps/app-domains";
import { recordAudit } from "../../audit/audit-log";
import type { Tx } from "../../db/team-numbers";
import type { PortalServices } from "../../services";
import { hashPassword } from "../passwords";
import { beginSession } from "../sign-in";
import type { SignInClaims } from "./oidc-client";
import type { SsoSettings } from "./sso-settings";

type Services = Pick<PortalServices, "db" | "refusals" | "events">;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2, admin: 3 };

/** A sign-in the portal refuses: the code the sign-in page turns into a sentence, and what to audit. */
export class SsoRefusal extends Error {
  constructor(
    readonly code: SsoErrorCode,
    readonly reason: string,
    readonly audit: { email?: string; actor?: { id: string; email: string }; teamId?: string } = {},
  ) {
    super(reason);
  }
}

/** The groups claim as a list: an array of names, or one name; anything else is no groups. */
export function groupsOf(claims: SignInClaims, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === "string");
  return [];
}

/** The highest role any of the groups maps to, else the default role, else null (refused). */
export function roleFor(settings: Pick<SsoSettings, "roleMapping" | "defaultRole">, groups: string[]): Role | null {
  const member = new Set(groups);
  let best: Role | null = null;
  for (const { group, role } of settings.roleMapping) {
    if (member.has(group) && (best === null || RANK[role] > RANK[best])) best = role;
  }
  return best ?? settings.defaultRole;
}

/** The email, refused when missing, malformed, unverified (when the provider says) or of a disallowed domain. */
function checkedEmail(settings: SsoSettings, claims: SignInClaims): string {
  const parsed = emailSchema.safeParse(claims.email);
  if (!parsed.success) throw new SsoRefusal("no-email", "no_email_claim");
  const email = parsed.data;
  // Only a provider that says it verified the address may link an existing account by email.
  if ("email_verified" in claims && claims.email_verified !== true && claims.email_verified !== "true") {
    throw new SsoRefusal("unverified", "email_not_verified", { email });
  }
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (settings.allowedDomains.length > 0 && !settings.allowedDomains.includes(domain)) {
    throw new SsoRefusal("domain", "email_domain_not_allowed", { email });
  }
  return email;
}

function nameOf(claims: SignInClaims, email: string): string {
  const name = typeof claims.name === "string" ? claims.name.trim().slice(0, 100) : "";
  return name || (email.split("@")[0] ?? email);
}

interface Resolved {
  user: { id: string; email: string; name: string };
  teamId: string;
  created: boolean;
  linked: boolean;
  role: Role;
  /** What the groups gave, which `role` differs from only when keptLastAdmin. */
  wantedRole: Role;
  previousRole: Role | null;
  /** The groups would demote the team's last active admin: they stay admin, so someone can undo it. */
  keptLastAdmin: boolean;
}

async function otherActiveAdmins(tx: Tx, teamId: string, userId: string): Promise<number> {
  return tx.membership.count({
    where: { teamId, role: "admin", userId: { not: userId }, user: { disabledAt: null } },
  });
}

async function resolvePerson(
  tx: Tx,
  who: { issuer: string; subject: string; email: string; name: string; role: Role; passwordHash: string },
): Promise<Resolved> {
  const identity = await tx.oidcIdentity.findUnique({
    where: { issuer_subject: { issuer: who.issuer, subject: who.subject } },
    include: { user: true },
  });
  let user = identity?.user ?? (await tx.user.findUnique({ where: { email: who.email } }));
  const created = !user;
  user ??= await tx.user.create({ data: { email: who.email, name: who.name, passwordHash: who.passwordHash } });
  if (user.disabledAt) {
    const membership = await tx.membership.findFirst({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    throw new SsoRefusal("disabled", "disabled", {
      email: user.email,
      actor: { id: user.id, email: user.email },
      ...(membership ? { teamId: membership.teamId } : {}),
    });
  }
  // Single sign-on is the portal's, and its groups give roles in the portal's first team (the one
  // setup made): it creates people there and moves their role there at every sign-in. Other teams
  // are joined by invite and keep the role their admins gave (decision 045).
  const ssoTeam = await tx.team.findFirst({ orderBy: { createdAt: "asc" } });
  if (!ssoTeam) throw new SsoRefusal("no-team", "no_team", { email: who.email });
  let membership = await tx.membership.findUnique({
    where: { userId_teamId: { userId: user.id, teamId: ssoTeam.id } },
  });
  let previousRole: Role | null = membership ? roleSchema.parse(membership.role) : null;
  let role = who.role;
  let keptLastAdmin = false;
  if (!membership) {
    membership = await tx.membership.create({ data: { userId: user.id, teamId: ssoTeam.id, role } });
    previousRole = null;
  } else if (membership.role !== role) {
    if (membership.role === "admin" && (await otherActiveAdmins(tx, membership.teamId, user.id)) === 0) {
      keptLastAdmin = true;
      role = "admin";
    } else {
      await tx.membership.update({ where: { id: membership.id }, data: { role } });
    }
  }
  if (identity) {
    await tx.oidcIdentity.update({ where: { id: identity.id }, data: { lastSignInAt: new Date() } });
  } else {
    await tx.oidcIdentity.create({
      data: { userId: user.id, issuer: who.issuer, subject: who.subject, lastSignInAt: new Date() },
    });
  }
  return {
    user: { id: user.id, email: user.email, name: user.name },
    teamId: membership.teamId,
    created,
    linked: !identity && !created,
    role,
    wantedRole: who.role,
    previousRole,
    keptLastAdmin,
  };
}

export interface SsoSignInMeta {
  ip: string;
  userAgent?: string | undefined;
}

/** Signs in the person behind validated claims; throws SsoRefusal when the portal says no. */
export async function signInWithProvider(
  services: Services,
  settings: SsoSettings,
  claims: SignInClaims,
  meta: SsoSignInMeta,
) {
  const email = checkedEmail(settings, claims);
  const groups = groupsOf(claims, settings.groupsClaim);
  const role = roleFor(settings, groups);
  if (!role) throw new SsoRefusal("no-role", "no_mapped_group", { email });
  const issuer = typeof claims.iss === "string" ? claims.iss : settings.issuerUrl;
  // Never used: a person made here signs in through the provider; an admin's reset link can give them a password.
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const who = { issuer, subject: claims.sub, email, name: nameOf(claims, email), role, passwordHash };
  let resolved: Resolved;
  try {
    resolved = await services.db.$transaction((tx) => resolvePerson(tx, who));
  } catch (error) {
    // The same person's first sign-in twice at once: the other one created them; this one finds them.
    if (!isUniqueViolation(error)) throw error;
    resolved = await services.db.$transaction((tx) => resolvePerson(tx, who));
  }
  await auditChanges(services, resolved, { ip: meta.ip, issuer, groups });
  return beginSession(
    services,
    { user: resolved.user, teamId: resolved.teamId },
    { ...meta, details: { via: "sso", issuer, role: resolved.role } },
  );
}

async function auditChanges(
  services: Services,
  resolved: Resolved,
  context: { ip: string; issuer: string; groups: string[] },
): Promise<void> {
  const { user, teamId, role, previousRole } = resolved;
  const base = {
    actor: user,
    teamId,
    target: { type: "user", id: user.id },
    outcome: "success",
    ip: context.ip,
  } as const;
  const groups = context.groups.slice(0, 50);
  if (resolved.created) {
    await recordAudit(services.db, {
      ...base,
      action: "users.create",
      details: { email: user.email, role, via: "single sign-on", issuer: context.issuer, groups },
    });
  } else if (previousRole === null) {
    // A person invited into another team first joins the first team with the role of their groups.
    await recordAudit(services.db, {
      ...base,
      action: "users.role.update",
      details: { from: null, to: role, via: "single sign-on groups", groups },
    });
  }
  if (resolved.linked) {
    await recordAudit(services.db, {
      ...base,
      action: "users.sso.link",
      details: { email: user.email, issuer: context.issuer },
    });
  }
  if (previousRole !== null && previousRole !== role) {
    await recordAudit(services.db, {
      ...base,
      action: "users.role.update",
      details: { from: previousRole, to: role, via: "single sign-on groups", groups },
    });
    // Live sockets (logs, shells) re-check at once what this person may still hold.
    services.events.emit("accessChanged", user.id);
  }
  if (resolved.keptLastAdmin) {
    await recordAudit(services.db, {
      ...base,
      outcome: "denied",
      action: "users.role.update",
      details: {
        from: "admin",
        wanted: resolved.wantedRole,
        reason: "last active admin of the team: kept admin",
        groups,
      },
    });
  }
}
