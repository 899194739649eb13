// Several teams (issue 16): one's teams for the header's switcher, creating a team, switching the
// session's team. Also REST, for `wheelhouse teams`.
import {
  createdTeamSchema,
  createTeamInputSchema,
  myTeamsAnswerSchema,
  ROLES,
  switchTeamInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { createTeam, listMyTeams, switchTeam } from "./teams";

const TAGS = ["teams"];

export const teamsRouter = router({
  mine: withPermission("portal.read")
    .meta(rest("GET", "/teams", "The teams you belong to, with your role in each", TAGS))
    .input(z.object({}).strict().optional())
    .output(myTeamsAnswerSchema)
    .query(async ({ ctx }) => ({ teams: await listMyTeams(ctx.services.db, ctx.user.id, ctx.user.team.id) })),

  create: withPermission("teams.create")
    .meta(rest("POST", "/teams", "Create a team; you become its admin", TAGS))
    .input(createTeamInputSchema)
    .output(createdTeamSchema)
    .mutation(async ({ ctx, input }) => {
      const team = await createTeam(ctx.services.db, ctx.user.id, input.name);
      await ctx.audit({ action: "teams.create", target: { type: "team", id: team.id }, details: { name: team.name } });
      // The new team's own log starts with how it came to be.
      await ctx.audit({
        action: "teams.create",
        target: { type: "team", id: team.id },
        details: { name: team.name, from: ctx.user.team.name },
        as: { actor: ctx.user, teamId: team.id },
      });
      return team;
    }),

  switch: withPermission("teams.switch")
    .meta(rest("POST", "/teams/switch", "Work in another of your teams (browser sessions)", TAGS))
    .input(switchTeamInputSchema)
    .output(z.object({ team: createdTeamSchema, role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      const switched = await switchTeam(
        ctx.services.db,
        { sessionId: ctx.user.sessionId, userId: ctx.user.id },
        input.teamId,
      );
      // Written in the team switched to: its admins see who came in to work there.
      await ctx.audit({
        action: "teams.switch",
        target: { type: "team", id: switched.team.id },
        details: { from: ctx.user.team.name, to: switched.team.name },
        as: { actor: ctx.user, teamId: switched.team.id },
      });
      // This session's open sockets joined the old team's rooms: the gate ends them (browser-gate.ts).
      ctx.services.events.emit("accessChanged", ctx.user.id);
      return switched;
    }),
});
