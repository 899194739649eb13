// A host's Docker inventory as the agent reports it: every container (ours or not) and image.
import { z } from "zod";

export const CONTAINER_STATES = ["created", "running", "paused", "restarting", "removing", "exited", "dead"] as const;
export const CONTAINER_HEALTH = ["none", "starting", "healthy", "unhealthy"] as const;

/** The label Wheelhouse puts on every container it creates; others are "unmanaged". */
export const MANAGED_LABEL = "wheelhouse.app";

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
