// A host's Docker inventory as the agent reports it: every container (ours or not) and image.
import { z } from "zod";

export const CONTAINER_STATES = ["created", "running", "paused", "restarting", "removing", "exited", "dead"] as const;
export const CONTAINER_HEALTH = ["none", "starting", "healthy", "unhealthy"] as const;

/** The label Wheelhouse puts on every container it creates; others are "unmanaged". */
export const MANAGED_LABEL = "wheelhouse.app";

/**
 * What makes a container as good as the host for whoever gets a shell in it (issue 9): it runs
 * privileged, mounts the Docker socket, bind-mounts a host path (anything but a named volume or a
 * tmpfs), shares the host's PID, network, IPC or user namespace, or is given host devices or
 * capabilities that break isolation.
 */
export const HOST_ACCESS_REASONS = [
  "privileged",
  "docker-socket",
  "host-pid",
  "host-network",
  "host-ipc",
  "host-userns",
  "devices",
  "capabilities",
] as const;
/** More reasons than this are cut: one is enough to make the container admin-only. */
export const MAX_HOST_ACCESS_REASONS = 20;
export const hostAccessReasonSchema = z.union([
  z.enum(HOST_ACCESS_REASONS),
  z
    .string()
    .regex(/^host-path:\//)
    .max(300),
]);
export type HostAccessReason = z.infer<typeof hostAccessReasonSchema>;

export const containerSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().max(300),
  image: z.string().max(1_000),
  imageId: z.string().max(200),
  state: z.enum(CONTAINER_STATES),
  health: z.enum(CONTAINER_HEALTH),
  ports: z
    .array(
      z.object({
        privatePort: z.number().int(),
        publicPort: z.number().int().nullable(),
        ip: z.string().max(100).nullable(),
        type: z.string().max(10),
      }),
    )
    .max(1_000),
  labels: z.record(z.string().max(300), z.string().max(4_000)),
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  /**
   * Why a shell in this container would reach the host (HOST_ACCESS_REASONS, "host-path:" a bind
   * mount's source); empty when none. Absent from agents older than this field: the portal then
   * treats the container as the host (fail closed).
   */
  hostAccess: z.array(hostAccessReasonSchema).max(MAX_HOST_ACCESS_REASONS).optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const imageSchema = z.object({
  id: z.string().max(200),
  tags: z.array(z.string().max(1_000)).max(1_000),
  sizeBytes: z.number().int().nonnegative(),
  createdAt: z.number().int(),
});
export type Image = z.infer<typeof imageSchema>;

export const inventorySchema = z.object({
  containers: z.array(containerSchema).max(5_000),
  images: z.array(imageSchema).max(5_000),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const CONTAINER_ACTIONS = ["start", "stop", "restart", "remove"] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];
