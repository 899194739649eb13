// Terminal sessions over tRPC: minting attach tokens (after the permission check), the list of
// sessions and their recordings for the Audit page, and the one-shot exec the CLI uses (REST).
import { commandArgvSchema, terminalSizeSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { authedProcedure, router, withPermission } from "../trpc/trpc";
import {
  attachShell,
  execChecked,
  listSessions,
  openInstanceShell,
  openShell,
  playRecording,
  shellAccess,
} from "./terminal-requests";

const hostId = z.string().min(1).max(64);
const containerId = z.string().regex(/^[0-9a-f]{64}$/, { message: "A container id is 64 hexadecimal characters." });
const sessionId = z.string().min(1).max(64);
const tokenAnswer = z.object({ token: z.string(), expiresAt: z.number() });

export const terminalRouter = router({
  /** What the signed-in person may open: drives which shell buttons the UI shows. */
  access: authedProcedure.query(({ ctx }) => shellAccess(ctx.services, ctx.user)),

  openContainer: withPermission("containers.shell")
    // The shell is audited as it really starts or fails (terminal.open, terminal-records.ts) and each
    // socket attach as terminal.attach/watch; issuing the token changes nothing by itself.
    .meta({ audit: "none" })
    .input(z.object({ hostId, containerId, command: commandArgvSchema.optional(), size: terminalSizeSchema }))
    .output(tokenAnswer)
    .mutation(({ ctx, input }) =>
      openShell(ctx.services, ctx.user, ctx.ip, {
        hostId: input.hostId,
        target: { kind: "container", containerId: input.containerId, command: input.command },
        size: input.size,
      }),
    ),

  /** The same, for an app's instance (the Apps page knows instances, not hosts and containers). */
  openInstance: withPermission("containers.shell")
    // The shell is audited as it really starts or fails (terminal.open, terminal-records.ts) and each
    // socket attach as terminal.attach/watch; issuing the token changes nothing by itself.
    .meta({ audit: "none" })
    .input(z.object({ instanceId: z.string().min(1).max(64), size: terminalSizeSchema }))
    .output(tokenAnswer)
    .mutation(({ ctx, input }) => openInstanceShell(ctx.services, ctx.user, ctx.ip, input)),

  openHost: withPermission("hosts.shell")
    // The shell is audited as it really starts or fails (terminal.open, terminal-records.ts) and each
    // socket attach as terminal.attach/watch; issuing the token changes nothing by itself.
    .meta({ audit: "none" })
    .input(z.object({ hostId, size: terminalSizeSchema }))
    .output(tokenAnswer)
    .mutation(({ ctx, input }) =>
      openShell(ctx.services, ctx.user, ctx.ip, { hostId: input.hostId, target: { kind: "host" }, size: input.size }),
    ),

  /** A token to attach again (after a reload: control) or to watch someone's session (read-only). */
  attach: authedProcedure
    // The shell is audited as it really starts or fails (terminal.open, terminal-records.ts) and each
    // socket attach as terminal.attach/watch; issuing the token changes nothing by itself.
    .meta({ audit: "none" })
    .input(z.object({ sessionId, mode: z.enum(["control", "watch"]) }))
    .output(tokenAnswer)
    .mutation(({ ctx, input }) => attachShell(ctx.services, ctx.user, ctx.ip, input)),

  sessions: withPermission("audit.read")
    .input(
      z.object({
        hostId: hostId.optional(),
        cursor: z.iso.datetime().optional(),
        limit: z.number().int().min(1).max(100).default(25),
      }),
    )
    .query(({ ctx, input }) =>
      listSessions(ctx.services, {
        teamId: ctx.user.team.id,
        hostId: input.hostId,
        before: input.cursor ? new Date(input.cursor) : undefined,
        limit: input.limit,
      }),
    ),

  /** A recording, to play back; its own permission check (see playRecording). */
  recording: authedProcedure
    .input(z.object({ id: sessionId }))
    .query(({ ctx, input }) => playRecording(ctx.services, ctx.user, ctx.ip, input.id)),

  exec: withPermission("containers.shell")
    .meta(
      rest(
        "POST",
        "/apps/{name}/exec",
        "Run a command (an argument list, no shell) in one running instance of the app",
        ["apps"],
      ),
    )
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
    .mutation(({ ctx, input }) => execChecked(ctx.services, ctx.user, ctx.ip, input)),
});
