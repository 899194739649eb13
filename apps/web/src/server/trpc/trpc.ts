// The only tRPC building blocks routes may use. The raw builder stays in this file, so no route can
// skip authentication or its permission check (STYLE.md "Export only the base procedures").
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { Action } from "@wheelhouse/shared";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import { authorize } from "../access/authorize";
import { recordAudit } from "../audit/audit-log";
import { withAuditScope } from "../audit/audit-scope";
import { AppError, type AppErrorCode } from "../errors/app-error";
import type { Context } from "./context";

const TRPC_CODES: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_INPUT: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  STEP_UP_REQUIRED: "FORBIDDEN",
  SECOND_FACTOR_SETUP_REQUIRED: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  NOT_READY: "SERVICE_UNAVAILABLE",
};

/** Wheelhouse's own procedure metadata, beside OpenApiMeta's `openapi`. */
export interface AuditMeta {
  /**
   * "none" for a mutation that changes nothing (validating a draft, pinging agents): it writes no
   * audit event and is not expected to. Every other signed-in mutation must write one.
   */
  audit?: "none";
}

// OpenApiMeta: procedures with `meta({ openapi })` are also served as REST (http/rest-api.ts).
const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta & AuditMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof z.ZodError ? error.cause : null;
      return {
        ...shape,
        // A person reads this message: for invalid input, the field messages instead of a JSON dump.
        message: zodError ? zodError.issues.map((issue) => issue.message).join(" ") : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined,
          // The domain's own code (STEP_UP_REQUIRED…), for pages that answer a refusal with a step.
          appCode: error.cause instanceof AppError ? error.cause.code : undefined,
        },
      };
    },
  });

/** Turns domain errors into transport errors; anything unexpected is logged and hidden. */
const edge = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    // A write the database refused for a full disk is a condition to fix, not a bug: a 503 naming
    // the fix, logged once a minute by db/write-health.ts rather than once per request here.
    const cause = ctx.services.writes.diskFullError(result.error.cause) ?? result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: TRPC_CODES[cause.code], message: cause.message, cause });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      ctx.services.logger.error({ err: cause ?? result.error, path }, "procedure failed");
      throw new TRPCError({
        code: "INTERNAL_SERVER_ERROR",
        message: "Something went wrong on the server. It has been logged.",
      });
    }
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(edge);

/**
 * Every signed-in mutation leaves an audit event (issue 14, audit/audit-scope.ts): one that fails
 * without having written one (bad input, a conflict, a refusal of the domain) is written here as a
 * `failure` with its message; one that succeeds without writing one is a bug, logged as an error.
 * Refusals of the permission check are written by authorize(), inside the scope.
 */
const auditedMutation = t.middleware(async ({ ctx, next, path, type, meta }) => {
  if (type !== "mutation" || meta?.audit === "none") return next();
  const { result, written } = await withAuditScope(() => next());
  if (written > 0) return result;
  if (result.ok) {
    ctx.services.logger.error({ path }, "a mutation succeeded without writing an audit event");
    return result;
  }
  const cause = result.error.cause instanceof AppError ? result.error.cause : null;
  try {
    await recordAudit(ctx.services.db, {
      actor: ctx.user,
      teamId: ctx.user?.team.id ?? null,
      action: path,
      outcome: "failure",
      ip: ctx.ip,
      details: { error: cause?.message ?? result.error.message, code: cause?.code ?? result.error.code },
    });
  } catch (error) {
    // The original failure is what the caller needs to see (a full disk fails both writes).
    ctx.services.logger.warn({ err: error, path }, "could not audit a failed mutation");
  }
  return result;
});

export const authedProcedure = publicProcedure
  .use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    return next({ ctx: { ...ctx, user: ctx.user } });
  })
  .use(auditedMutation);

/** A signed-in user whose role in their team allows `action`; a refusal is audited (access/authorize.ts). */
export function withPermission(action: Action) {
  return authedProcedure.use(async ({ ctx, next }) => {
    await authorize(ctx.services.db, ctx.user, action, ctx.ip);
    return next();
  });
}
