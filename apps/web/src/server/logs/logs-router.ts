// Logs over tRPC and REST: the one-shot (and long-poll) read of an app's logs that the CLI uses.
// Live views in the browser use the /logs socket (logs-namespace.ts) under the same permission.
import { appLogsInputSchema, appLogsSchema } from "@wheelhouse/shared";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { readAppLogs } from "./app-log-reader";

export const logsRouter = router({
  app: withPermission("logs.read")
    .meta(
      rest(
        "GET",
        "/apps/{name}/logs",
        "Every instance's log lines, merged in time order (with `cursor` and `waitMs`: follow)",
        ["logs"],
      ),
    )
    .input(appLogsInputSchema)
    .output(appLogsSchema)
    .query(({ ctx, input }) =>
      readAppLogs(
        { db: ctx.services.db, agents: ctx.services.agents, metrics: ctx.services.metrics },
        ctx.user.team.id,
        input,
      ),
    ),
});
