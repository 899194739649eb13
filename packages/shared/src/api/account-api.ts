// Shapes of the account side of the API that scripts and the CLI use: who am I, API keys, users.
import { z } from "zod";
import { emailSchema, passwordSchema, personNameSchema } from "../access/credentials";
import { ROLES } from "../access/roles";

export const meSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  role: z.enum(ROLES),
  team: z.object({ id: z.string(), name: z.string() }),
});

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, so a person can tell keys apart. */
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

export const apiKeyNameSchema = z.string().trim().min(1, "Give the key a name.").max(80, "At most 80 characters.");

/** The CLI's `login --email --password`: signs in and mints a key in one step. */
export const passwordKeyInputSchema = z
  .object({
    email: emailSchema,
    password: z.string().min(1).max(1_000),
    name: apiKeyNameSchema,
    /** The team the key acts in, by slug or name; the person's first team when absent. */
    team: z.string().trim().min(1, "Name the team.").max(60, "A team name is at most 60 characters.").optional(),
  })
  .strict();

/** The whole key is returned once, at creation, and never again. */
export const createdApiKeySchema = z.object({ token: z.string(), apiKey: apiKeySchema });

export const teamUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  createdAt: z.string(),
});

export const createUserInputSchema = z
  .object({
    email: emailSchema,
    name: personNameSchema.optional(),
    password: passwordSchema,
    role: z.enum(ROLES),
    /** The team's name; the admin's own team when left out (the only one a user can add to today). */
    team: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
