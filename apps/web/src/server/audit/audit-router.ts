// The audit log over tRPC and REST (GET /api/v1/audit): a keyset search, newest first
// (audit-search.ts). The export is a plain streamed route beside it (audit-export-route.ts).
import { auditListInputSchema, auditPageSchema } from "@wheelhouse/shared";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { searchAudit } from "./audit-search";

export const auditRouter = router({
  list: withPermission("audit.read")
    .meta(rest("GET", "/audit", "Search the audit log, newest first (pass nextCursor as cursor for more)", ["audit"]))
    .input(auditListInputSchema)
    .output(auditPageSchema)
    .query(({ ctx, input: { direction: _older, ...query } }) => searchAudit(ctx.services.db, ctx.user.team.id, query)),
});
