// Terminal sessions over tRPC: minting attach tokens (after the permission check), the list of
// sessions and their recordings for the Audit page, and the one-shot exec the CLI uses (REST).
import { can, commandArgvSchema, terminalSizeSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { authorize } from "../access/authorize";
import { AppError } from "../errors/app-error";
import { authedProcedure, router, withPermission } from "../trpc/trpc";
import { execInApp } from "./app-exec";
import { findTerminalSession, listTerminalSessions, readRecording, toSummary } from "./recordings";
import { authorizeLiveSession, authorizeShell, authorizeShellKind, hasShellGrant } from "./shell-access";

const hostId = z.string().min(1).max(64);
const containerId = z.string().regex(/^[0-9a-f]{64}$/, { message: "A container id is 64 hexadecimal characters." });
const sessionId = z.string().min(1).max(64);
const tokenAnswer = z.object({ token: z.string(), expiresAt: z.number() });

export const terminalRouter = router({
  /** What the signed-in person may open: drives which shell buttons the UI shows. */
  access: authedProcedure.query(async ({ ctx }) => ({
    containerShell: can(ctx.user.role, "containers.shell") && (await hasShellGrant(ctx.services.db, ctx.user)),
    hostShell: can(ctx.user.role, "hosts.shell"),
  })),

  openContainer: withPermission("containers.shell")
    .input(z.object({ hostId, containerId, command: commandArgvSchema.optional(), size: terminalSizeSchema }))
    .output(tokenAnswer)
    .mutation(async ({ ctx, input }) => {
      const target = { kind: "container" as const, containerId: input.containerId, command: input.command };
      const { db, inventory, terminalTokens } = ctx.services;
      await authorizeShell(db, inventory, ctx.user, input.hostId, target, ctx.ip);
      return terminalTokens.mint({ kind: "open", userId: ctx.user.id, hostId: input.hostId, target, size: input.size });
    }),

  /** The same, for an app's instance (the Apps page knows instances, not hosts and containers). */
  openInstance: withPermission("containers.shell")
    .input(z.object({ instanceId: z.string().min(1).max(64), size: terminalSizeSchema }))
    .output(tokenAnswer)
    .mutation(async ({ ctx, input }) => {
      const { db, inventory, terminalTokens } = ctx.services;
      const instance = await db.containerInstance.findFirst({
        where: { id: input.instanceId, app: { teamId: ctx.user.team.id } },
        select: { hostId: true, containerId: true },
      });
      if (!instance?.containerId) throw new AppError("NOT_FOUND", "That instance has no container (any more).");
      const target = { kind: "container" as const, containerId: instance.containerId };
      await authorizeShell(db, inventory, ctx.user, instance.hostId, target, ctx.ip);
      return terminalTokens.mint({
        kind: "open",
        userId: ctx.user.id,
        hostId: instance.hostId,
        target,
        size: input.size,
      });
    }),

  openHost: withPermission("hosts.shell")
    .input(z.object({ hostId, size: terminalSizeSchema }))
    .output(tokenAnswer)
    .mutation(async ({ ctx, input }) => {
      const target = { kind: "host" as const };
      const { db, inventory, terminalTokens } = ctx.services;
      await authorizeShell(db, inventory, ctx.user, input.hostId, target, ctx.ip);
      return terminalTokens.mint({ kind: "open", userId: ctx.user.id, hostId: input.hostId, target, size: input.size });
    }),

  /** A token to attach again (after a reload: control) or to watch someone's session (read-only). */
  attach: authedProcedure
    .input(z.object({ sessionId, mode: z.enum(["control", "watch"]) }))
    .output(tokenAnswer)
    .mutation(async ({ ctx, input }) => {
      const live = ctx.services.terminals.get(input.sessionId);
      if (!live || live.teamId !== ctx.user.team.id) {
        throw new AppError("NOT_FOUND", "This terminal session has ended. Its recording is on the Audit page.");
      }
      await authorizeLiveSession(ctx.services.db, ctx.services.inventory, ctx.user, live, ctx.ip);
      if (input.mode === "control" && live.ownerId !== ctx.user.id) {
        throw new AppError("FORBIDDEN", "Only the person who opened this session can type in it; you may watch it.");
      }
      return ctx.services.terminalTokens.mint({
        kind: "attach",
        userId: ctx.user.id,
        sessionId: live.id,
        mode: input.mode,
      });
    }),

  sessions: withPermission("audit.read")
    .input(
      z.object({
        hostId: hostId.optional(),
        cursor: z.iso.datetime().optional(),
        limit: z.number().int().min(1).max(100).default(25),
      }),
    )
    .query(async ({ ctx, input }) => {
      const page = await listTerminalSessions(ctx.services.db, {
        teamId: ctx.user.team.id,
        hostId: input.hostId,
        before: input.cursor ? new Date(input.cursor) : undefined,
        limit: input.limit,
      });
      return {
        ...page,
        sessions: page.sessions.map((s) => ({ ...s, live: ctx.services.terminals.get(s.id) !== undefined })),
      };
    }),

  /**
   * A recording, to play back. Watching a recording shows what the session showed: container
   * sessions need logs.read (operators and up), host sessions hosts.shell (admins).
   */
  recording: authedProcedure.input(z.object({ id: sessionId })).query(async ({ ctx, input }) => {
    const row = await findTerminalSession(ctx.services.db, ctx.user.team.id, input.id);
    await authorize(ctx.services.db, ctx.user, row.kind === "host" ? "hosts.shell" : "logs.read", ctx.ip);
    const cast = await readRecording(ctx.services.config.dataDir, row.recordingPath);
    return { session: toSummary(row), cast };
  }),

  exec: withPermission("containers.shell")
    .meta({
      openapi: {
        method: "POST",
        path: "/apps/{name}/exec",
        protect: true,
        tags: ["apps"],
        summary: "Run a command (an argument list, no shell) in one running instance of the app",
      },
    })
    .input(
      z.object({
        name: z.string().min(1).max(40),
        command: commandArgvSchema,
        timeoutSeconds: z.number().int().min(1).max(600).default(60),
      }),
    )
    .output(
      z.object({
        exitCode: z.number().int(),
        stdout: z.string().describe("base64"),
        stderr: z.string().describe("base64"),
        truncated: z.boolean(),
        instance: z.object({ host: z.string(), container: z.string() }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await authorizeShellKind(ctx.services.db, ctx.user, "container", ctx.ip);
      return execInApp(ctx.services, ctx.user, ctx.ip, input);
    }),
});
