// One's own second factor (issue 16, item 5): enrol a TOTP app, confirm it, disable it, renew the
// recovery codes; and the one code check every prompt uses (sign-in's second step, step-up,
// disabling, renewing). Free of tRPC: second-factor-router.ts validates and audits successes;
// refusals are audited here with their reason, as sign-in's are.
import type { SecondFactorEnrolment, SecondFactorStatus } from "@wheelhouse/shared";
import QRCode from "qrcode";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { recordAudit } from "../audit/audit-log";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { assertAdminOfEveryTeamOf } from "./account-reach";
import { charge, rateLimitedMessage } from "./attempt-limit";
import {
  checkTotp,
  groupedSecret,
  hashRecoveryCode,
  isTotpCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
} from "./second-factor-codes";
import type { SessionUser } from "./sessions";

export interface FactorServices {
  db: Db;
  secrets: SecretBox;
}

/**
 * Guessing codes is slowed like guessing passwords (sign-in-limiter.ts): 5 attempts per person per
 * 15 minutes across every prompt, charged before the code is checked and given back when it was
 * right. Per person, not per address: a guesser at the sign-in step already holds the password.
 */
const attempts = new RateLimiterMemory({ keyPrefix: "second-factor", points: 5, duration: 15 * 60 });

const WRONG = "That code is not right. Check your authenticator app's clock and try the current code.";
const REPLAYED = "That code was already used. Wait for your authenticator app to show the next one.";
const WRONG_RECOVERY = "That recovery code is not one of yours, or it was already used.";

/** Who is being checked, and where the refusal is written (the prompt's action). */
export interface CodeCheck {
  user: { id: string; email: string };
  teamId: string | null;
  ip: string;
  action: string;
  now?: Date;
}

/**
 * Checks a code from the person's confirmed factor: a 6-digit app code (not one of a step already
 * used) or an unused recovery code, which is then spent. Throws RATE_LIMITED or BAD_INPUT with a
 * sentence, auditing the refusal; returns how the person proved it.
 */
export async function verifySecondFactor(
  services: FactorServices,
  check: CodeCheck,
  code: string,
): Promise<{ method: "totp" | "recovery" }> {
  const { db } = services;
  const refuse = async (reason: string, outcome: "denied" | "failure", error: AppError): Promise<never> => {
    await recordAudit(db, {
      actor: check.user,
      teamId: check.teamId,
      action: check.action,
      outcome,
      ip: check.ip,
      details: { reason, stage: "second factor" },
    });
    throw error;
  };
  const refused = await charge(attempts, check.user.id);
  if (refused) {
    await refuse(
      "rate_limited",
      "denied",
      new AppError("RATE_LIMITED", rateLimitedMessage("Too many wrong codes.", refused.msBeforeNext)),
    );
  }
  const factor = await db.secondFactor.findUnique({ where: { userId: check.user.id } });
  if (!factor?.enabledAt) {
    return refuse("no factor", "failure", new AppError("CONFLICT", "You have no authenticator set up."));
  }
  if (isTotpCode(code)) {
    const result = await checkTotp(
      services.secrets.open(factor.secretSealed),
      code,
      check.now ?? new Date(),
      factor.lastStep,
    );
    if (!result.ok) {
      const replayed = result.reason === "replayed";
      return refuse(
        replayed ? "code replayed" : "wrong code",
        "failure",
        new AppError("BAD_INPUT", replayed ? REPLAYED : WRONG),
      );
    }
    // Of two prompts answered with the same code at once, only one moves lastStep past it.
    const moved = await db.secondFactor.updateMany({
      where: { userId: check.user.id, OR: [{ lastStep: null }, { lastStep: { lt: result.step } }] },
      data: { lastStep: result.step },
    });
    if (moved.count === 0) return refuse("code replayed", "failure", new AppError("BAD_INPUT", REPLAYED));
    await attempts.delete(check.user.id);
    return { method: "totp" };
  }
  const spent = await db.recoveryCode.updateMany({
    where: { userId: check.user.id, codeHash: hashRecoveryCode(code), usedAt: null },
    data: { usedAt: check.now ?? new Date() },
  });
  if (spent.count === 0) return refuse("wrong recovery code", "failure", new AppError("BAD_INPUT", WRONG_RECOVERY));
  await attempts.delete(check.user.id);
  return { method: "recovery" };
}

export async function secondFactorStatus(db: Db, user: SessionUser): Promise<SecondFactorStatus> {
  const factor = await db.secondFactor.findUnique({ where: { userId: user.id }, select: { enabledAt: true } });
  const recoveryCodesLeft = factor?.enabledAt
    ? await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })
    : 0;
  return {
    enabled: factor?.enabledAt != null,
    required: user.secondFactor.required,
    recoveryCodesLeft,
    enabledAt: factor?.enabledAt?.toISOString() ?? null,
  };
}

/**
 * A new secret for the person's app (replacing an unconfirmed one); the factor is not in force
 * until confirmEnrolment sees a code from it. Refused while one is enabled: disable it first.
 */
export async function startEnrolment(services: FactorServices, user: SessionUser): Promise<SecondFactorEnrolment> {
  const existing = await services.db.secondFactor.findUnique({
    where: { userId: user.id },
    select: { enabledAt: true },
  });
  if (existing?.enabledAt) {
    throw new AppError("CONFLICT", "Your authenticator is already set up. Turn it off first to enrol another one.");
  }
  const secret = newTotpSecret();
  const secretSealed = services.secrets.seal(secret);
  await services.db.secondFactor.upsert({
    where: { userId: user.id },
    create: { userId: user.id, secretSealed },
    update: { secretSealed, enabledAt: null, lastStep: null },
  });
  const uri = otpauthUri(secret, user.email);
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { otpauthUri: uri, qrSvg, secret: groupedSecret(secret) };
}

async function replaceRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })) }),
  ]);
  return codes;
}

/**
 * Turns the enrolment on with a code from the app (proving it holds the secret), hands out ten
 * recovery codes (shown once) and counts this session as having proved the factor.
 */
export async function confirmEnrolment(
  services: FactorServices,
  user: SessionUser,
  code: string,
  ip: string,
  now = new Date(),
): Promise<{ recoveryCodes: string[] }> {
  const { db } = services;
  const pending = await db.secondFactor.findUnique({ where: { userId: user.id } });
  if (!pending || pending.enabledAt) {
    throw new AppError("CONFLICT", pending ? "Your authenticator is already set up." : "Start the set-up first.");
  }
  const refuse = async (reason: string, outcome: "denied" | "failure", error: AppError): Promise<never> => {
    await recordAudit(db, {
      actor: user,
      teamId: user.team.id,
      action: "account.second-factor.manage",
      outcome,
      ip,
      details: { reason, stage: "enrolment" },
    });
    throw error;
  };
  const refused = await charge(attempts, user.id);
  if (refused) {
    await refuse(
      "rate_limited",
      "denied",
      new AppError("RATE_LIMITED", rateLimitedMessage("Too many wrong codes.", refused.msBeforeNext)),
    );
  }
  const result = await checkTotp(services.secrets.open(pending.secretSealed), code, now, null);
  if (!result.ok) return refuse("wrong code", "failure", new AppError("BAD_INPUT", WRONG));
  await attempts.delete(user.id);
  const confirmed = await db.secondFactor.updateMany({
    where: { userId: user.id, enabledAt: null, secretSealed: pending.secretSealed },
    data: { enabledAt: now, lastStep: result.step },
  });
  if (confirmed.count === 0) throw new AppError("CONFLICT", "The set-up changed meanwhile. Start it again.");
  const recoveryCodes = await replaceRecoveryCodes(db, user.id);
  if (!user.sessionId.startsWith("apikey:")) {
    await db.session.updateMany({ where: { id: user.sessionId }, data: { secondFactorAt: now } });
  }
  return { recoveryCodes };
}

/** Turns the factor off with a current code or a recovery code; refused while the person's role requires one. */
export async function disableFactor(services: FactorServices, user: SessionUser, code: string, ip: string) {
  if (user.secondFactor.required) {
    await recordAudit(services.db, {
      actor: user,
      teamId: user.team.id,
      action: "account.second-factor.manage",
      outcome: "denied",
      ip,
      details: { reason: "required for the role", role: user.role },
    });
    throw new AppError(
      "FORBIDDEN",
      `Your role (${user.role}) must use a second factor, so it cannot be turned off. An admin sets which roles on Settings.`,
    );
  }
  await verifySecondFactor(services, { user, teamId: user.team.id, ip, action: "account.second-factor.manage" }, code);
  await services.db.$transaction([
    services.db.recoveryCode.deleteMany({ where: { userId: user.id } }),
    services.db.secondFactor.deleteMany({ where: { userId: user.id } }),
    services.db.session.updateMany({ where: { userId: user.id }, data: { secondFactorAt: null } }),
  ]);
}

/** Ten new recovery codes (the old ones stop working), after a current code or a recovery code. */
export async function regenerateRecoveryCodes(
  services: FactorServices,
  user: SessionUser,
  code: string,
  ip: string,
): Promise<{ recoveryCodes: string[] }> {
  await verifySecondFactor(services, { user, teamId: user.team.id, ip, action: "account.second-factor.manage" }, code);
  return { recoveryCodes: await replaceRecoveryCodes(services.db, user.id) };
}

/** A step-up: a code proves the factor again, and this session may open host shells and review for 15 minutes. */
export async function stepUp(services: FactorServices, user: SessionUser, code: string, ip: string, now = new Date()) {
  if (user.sessionId.startsWith("apikey:")) {
    throw new AppError("BAD_INPUT", "An API key cannot be confirmed with an authenticator; step up in the browser.");
  }
  await verifySecondFactor(services, { user, teamId: user.team.id, ip, action: "auth.step-up", now }, code);
  await services.db.session.updateMany({ where: { id: user.sessionId }, data: { secondFactorAt: now } });
}

/**
 * An admin clears a member's factor (phone and recovery codes lost): the member signs in with their
 * password again and, where their role requires one, must enrol before anything else. Not one's
 * own (that is turning it off, with a code), and only a member of the admin's team.
 */
export async function resetMemberFactor(db: Db, admin: SessionUser, userId: string): Promise<{ email: string }> {
  if (userId === admin.id) {
    throw new AppError("BAD_INPUT", "To turn your own second factor off, use your Account page (it needs a code).");
  }
  const membership = await db.membership.findUnique({
    where: { userId_teamId: { userId, teamId: admin.team.id } },
    include: { user: { select: { email: true, secondFactor: { select: { enabledAt: true } } } } },
  });
  if (!membership) throw new AppError("NOT_FOUND", "That user is not a member of this team.");
  if (!membership.user.secondFactor) {
    throw new AppError("CONFLICT", `${membership.user.email} has no second factor to reset.`);
  }
  await assertAdminOfEveryTeamOf(db, admin.id, userId, "resetting a second factor");
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.secondFactor.deleteMany({ where: { userId } }),
    db.session.updateMany({ where: { userId }, data: { secondFactorAt: null } }),
  ]);
  return { email: membership.user.email };
}
