// One's own account (issue 16, item 2): change one's password, see one's sessions and end them.
// Shared by the Account page's forms and the server, so both refuse the same input with the same sentence.
import { z } from "zod";
import { passwordSchema } from "../access/credentials";

export const changePasswordInputSchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, { message: "Enter your current password." })
      .max(256, { message: "Use at most 256 characters for the password." }),
    newPassword: passwordSchema,
  })
  .strict()
  .refine((input) => input.newPassword !== input.currentPassword, {
    message: "Choose a new password that differs from the current one.",
    path: ["newPassword"],
  });
export type ChangePasswordInput = z.infer<typeof changePasswordInputSchema>;

export const changePasswordResultSchema = z.object({
  ok: z.literal(true),
  /** How many of the person's other sessions were signed out. */
  endedSessions: z.number().int().nonnegative(),
});

/** A session's opaque handle: 16 hex digits derived from the session, never its token or the token's hash. */
export const SESSION_HANDLE_LENGTH = 16;
export const sessionHandleSchema = z
  .string()
  .regex(new RegExp(`^[0-9a-f]{${SESSION_HANDLE_LENGTH}}$`), { message: "That is not a session of this portal." });

export const endSessionInputSchema = z.object({ id: sessionHandleSchema }).strict();

export const ownSessionSchema = z.object({
  id: sessionHandleSchema,
  /** A readable summary of the browser's user agent, such as "Firefox 128 on Linux". */
  device: z.string(),
  address: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type OwnSession = z.infer<typeof ownSessionSchema>;

export const endSessionResultSchema = z.object({
  ok: z.literal(true),
  /** True when the session ended was the caller's own: they are signed out now. */
  signedOut: z.boolean(),
});
