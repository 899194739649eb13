// Several teams (issue 16): a person belongs to one or more teams with a role in each, and works in
// one at a time (the header's switcher). Scripts see the same shapes over REST.
import { z } from "zod";
import { ROLES } from "../access/roles";

export const teamNameSchema = z
  .string()
  .trim()
  .min(1, "Give the team a name.")
  .max(60, "A team name is at most 60 characters.")
  .regex(/[\p{L}\p{N}]/u, "A team name needs at least one letter or digit.");

export const teamIdSchema = z.string().min(1).max(64);

export const myTeamSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  role: z.enum(ROLES),
  /** The team this session works in. */
  current: z.boolean(),
});
export type MyTeam = z.infer<typeof myTeamSchema>;

export const myTeamsAnswerSchema = z.object({ teams: z.array(myTeamSchema) });

export const createTeamInputSchema = z.object({ name: teamNameSchema }).strict();
export const createdTeamSchema = z.object({ id: z.string(), name: z.string(), slug: z.string() });

export const switchTeamInputSchema = z.object({ teamId: teamIdSchema }).strict();
export const removeMemberInputSchema = z.object({ userId: z.string().min(1).max(64) }).strict();
/** Who left the team and how many of their API keys for it were revoked (DELETE /users/{userId}). */
export const removedMemberSchema = z.object({
  ok: z.literal(true),
  email: z.string(),
  role: z.enum(ROLES),
  revokedKeys: z.number().int().min(0),
});
export type RemovedMember = z.infer<typeof removedMemberSchema>;
