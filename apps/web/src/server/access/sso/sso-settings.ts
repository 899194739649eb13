// Which OpenID Connect provider the portal signs people in with (issue 16): the row an admin saved
// on Settings, else the environment (OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET…), else
// none. The client secret is sealed with SECRET_KEY in the row and opened only to talk to the
// provider: no answer, log line or audit entry carries it (the readable view says only whether one
// is set).
import {
  type Role,
  type RoleMapping,
  roleMappingSchema,
  roleSchema,
  type SsoSettingsAnswer,
  type ssoSettingsInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { Config } from "../../config/env";
import type { SecretBox } from "../../config/secret-box";
import type { Db } from "../../db/client";
import { AppError } from "../../errors/app-error";

export const OIDC_CALLBACK_PATH = "/auth/oidc/callback";
export const OIDC_START_PATH = "/auth/oidc/start";
const DEFAULT_LABEL = "single sign-on";

export interface SsoSettings {
  issuerUrl: string;
  clientId: string;
  clientSecretSet: boolean;
  /**
   * The secret in plain text, for the token request only (opened on demand, so a secret sealed
   * under another key still lets an admin read and fix the settings). Never put it in an answer,
   * a log or an audit entry.
   */
  clientSecret: () => string | null;
  displayName: string;
  allowedDomains: string[];
  groupsClaim: string;
  roleMapping: RoleMapping[];
  defaultRole: Role | null;
  passwordSignIn: "everyone" | "break-glass";
  breakGlassEmail: string | null;
  source: "settings" | "environment";
}

type Deps = { db: Db; config: Pick<Config, "oidc" | "publicUrl">; secrets: SecretBox };

const storedList = <T extends z.ZodType>(item: T) => z.array(item);

function parseStored<T>(schema: z.ZodType<T>, text: string, what: string): T {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`The saved single sign-on ${what} do not parse.`);
  return parsed.data;
}

/** A secret sealed under another SECRET_KEY (a restored database, a new key) is a sentence, not a crash. */
function openSecret(secrets: SecretBox, sealed: string): string {
  try {
    return secrets.open(sealed);
  } catch {
    throw new AppError(
      "NOT_READY",
      "The saved single sign-on client secret cannot be opened with this portal's SECRET_KEY. An admin must enter it again on Settings → Single sign-on.",
    );
  }
}

/** The settings in use, or null when single sign-on is off. */
export async function effectiveSsoSettings({ db, config, secrets }: Deps): Promise<SsoSettings | null> {
  const saved = await db.oidcSettings.findUnique({ where: { id: 1 } });
  if (saved) {
    return {
      issuerUrl: saved.issuerUrl,
      clientId: saved.clientId,
      clientSecretSet: saved.clientSecretSealed !== null,
      clientSecret: () => (saved.clientSecretSealed ? openSecret(secrets, saved.clientSecretSealed) : null),
      displayName: saved.displayName,
      allowedDomains: parseStored(storedList(z.string()), saved.allowedDomains, "allowed domains"),
      groupsClaim: saved.groupsClaim,
      roleMapping: parseStored(storedList(roleMappingSchema), saved.roleMapping, "role mappings"),
      defaultRole: saved.defaultRole ? roleSchema.parse(saved.defaultRole) : null,
      passwordSignIn: saved.passwordSignIn === "break-glass" ? "break-glass" : "everyone",
      breakGlassEmail: saved.breakGlassEmail,
      source: "settings",
    };
  }
  const env = config.oidc;
  if (!env) return null;
  return {
    issuerUrl: env.issuerUrl,
    clientId: env.clientId,
    clientSecretSet: env.clientSecret !== undefined,
    clientSecret: () => env.clientSecret ?? null,
    displayName: env.displayName ?? DEFAULT_LABEL,
    allowedDomains: env.allowedDomains,
    groupsClaim: "groups",
    roleMapping: [],
    defaultRole: env.defaultRole ?? null,
    passwordSignIn: "everyone",
    breakGlassEmail: null,
    source: "environment",
  };
}

/** What an admin reads: everything but the secret. */
export function readableSsoSettings(settings: SsoSettings | null, publicUrl: string): SsoSettingsAnswer {
  const callbackUrl = `${publicUrl}${OIDC_CALLBACK_PATH}`;
  if (!settings) {
    return {
      source: "off",
      issuerUrl: null,
      clientId: null,
      clientSecretSet: false,
      displayName: DEFAULT_LABEL,
      allowedDomains: [],
      groupsClaim: "groups",
      roleMapping: [],
      defaultRole: null,
      passwordSignIn: "everyone",
      breakGlassEmail: null,
      callbackUrl,
    };
  }
  const { clientSecret: _secret, ...rest } = settings;
  return { ...rest, callbackUrl };
}

/** Whether a password may sign this email in; the sentence when not. Off or "everyone": anyone. */
export async function passwordSignInRefusal(db: Db, email: string): Promise<string | null> {
  const saved = await db.oidcSettings.findUnique({
    where: { id: 1 },
    select: { passwordSignIn: true, breakGlassEmail: true, displayName: true },
  });
  if (saved?.passwordSignIn !== "break-glass" || saved.breakGlassEmail === email) return null;
  return `Password sign-in is switched off on this portal: sign in with ${saved.displayName}.`;
}

/** The break-glass email must be an active admin, or nobody could sign in when the provider is down. */
async function assertActiveAdmin(db: Db, email: string): Promise<void> {
  const admin = await db.membership.findFirst({
    where: { role: "admin", user: { email, disabledAt: null } },
  });
  if (!admin) {
    throw new AppError(
      "BAD_INPUT",
      `${email} is not an active admin: the break-glass account must be one, so someone can still sign in with a password when the provider is down.`,
    );
  }
}

export type SsoSettingsSave = z.output<typeof ssoSettingsInputSchema>;

/**
 * Saves the settings; a missing client secret keeps the one saved before. What was saved, as an
 * admin reads it.
 */
export async function saveSsoSettings(deps: Deps, input: SsoSettingsSave): Promise<SsoSettingsAnswer> {
  const { db, secrets } = deps;
  const breakGlassEmail = input.passwordSignIn === "break-glass" ? input.breakGlassEmail : null;
  if (breakGlassEmail) await assertActiveAdmin(db, breakGlassEmail);
  const data = {
    issuerUrl: input.issuerUrl,
    clientId: input.clientId,
    displayName: input.displayName,
    allowedDomains: JSON.stringify([...new Set(input.allowedDomains)]),
    groupsClaim: input.groupsClaim,
    roleMapping: JSON.stringify(input.roleMapping),
    defaultRole: input.defaultRole,
    passwordSignIn: input.passwordSignIn,
    breakGlassEmail,
  };
  const secret = input.clientSecret ?? (await environmentSecretToKeep(deps, input));
  const row = secret === undefined ? data : { ...data, clientSecretSealed: secrets.seal(secret) };
  await db.oidcSettings.upsert({ where: { id: 1 }, create: { id: 1, ...row }, update: row });
  return readableSsoSettings(await effectiveSsoSettings(deps), deps.config.publicUrl);
}

/**
 * Saving over the environment's provider without typing its secret again keeps the environment's
 * secret (sealed into the row), so an admin can add group mappings to an OIDC_* setup. A saved row
 * keeps its own sealed secret by not touching the column.
 */
async function environmentSecretToKeep(deps: Deps, input: SsoSettingsSave): Promise<string | undefined> {
  const env = deps.config.oidc;
  if (!env?.clientSecret || env.issuerUrl !== input.issuerUrl || env.clientId !== input.clientId) return undefined;
  const saved = await deps.db.oidcSettings.findUnique({ where: { id: 1 }, select: { id: true } });
  return saved ? undefined : env.clientSecret;
}

/** Forgets what an admin saved: the environment's OIDC_* apply again (or SSO is off). Whether anything was saved. */
export async function forgetSsoSettings(db: Db): Promise<boolean> {
  const { count } = await db.oidcSettings.deleteMany({ where: { id: 1 } });
  return count > 0;
}
