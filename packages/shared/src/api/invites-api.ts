// Single-use account links (issue 16): invites to join the team and password resets. The link
// (with its token) is answered once, by the call that makes it; lists never carry it.
import { z } from "zod";
import { emailSchema, passwordSchema, personNameSchema } from "../access/credentials";
import { ROLES } from "../access/roles";

/** 32 random bytes in base64url are 43 characters; anything else is not one of ours. */
export const linkTokenSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, { message: "This link is not complete. Copy the whole link and open it again." });

export const inviteInputSchema = z.object({ email: emailSchema, role: z.enum(ROLES) }).strict();

export const inviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Who made it, by email; null when that person has since left. */
  createdBy: z.string().nullable(),
});
export type Invite = z.infer<typeof inviteSchema>;

export const createdInviteSchema = z.object({ invite: inviteSchema, link: z.string() });
export const invitesAnswerSchema = z.object({ invites: z.array(inviteSchema) });

export const resetLinkInputSchema = z.object({ email: emailSchema }).strict();
export const createdResetLinkSchema = z.object({ email: z.string(), link: z.string(), expiresAt: z.string() });

/** What the invite page shows before the person sets their name and password. */
export const inviteInfoSchema = z.object({
  email: z.string(),
  team: z.string(),
  role: z.enum(ROLES),
  expiresAt: z.string(),
  /** The email has an account already (another team): they join signed in, without a new password. */
  existingAccount: z.boolean(),
});

export const joinWithInviteInputSchema = z.object({ token: linkTokenSchema }).strict();

export const acceptInviteInputSchema = z
  .object({ token: linkTokenSchema, name: personNameSchema, password: passwordSchema })
  .strict();

export const resetLinkInfoSchema = z.object({ email: z.string(), expiresAt: z.string() });

export const resetPasswordInputSchema = z.object({ token: linkTokenSchema, password: passwordSchema }).strict();
