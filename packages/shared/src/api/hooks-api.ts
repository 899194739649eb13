// Deploy on push: the team's registry hook token (tRPC, REST /api/v1/hooks/registry/token), the
// notification envelope a Docker distribution registry POSTs to /api/v1/hooks/registry, the hook's
// answer, and an app's image status ("pushed but not deployed"). Dates are ISO 8601 strings.
import { z } from "zod";
import { appNameSchema, PULL_POLICIES } from "../apps/app-fields";
import { DEPLOYMENT_STATUSES } from "../statuses/deployment-statuses";
import { DEPLOYMENT_KINDS } from "./apps-api";

// ---- the hook token ----

export const hookTokenSchema = z.object({
  /** The first characters of the token, so a person can tell which one the registry holds. */
  prefix: z.string(),
  createdAt: z.string(),
  /** Who created (or last rotated) it; null once that user is gone. */
  createdBy: z.string().nullable(),
});

/** What the Registries page shows: where the registry sends, and whether a token exists. */
export const registryHookSchema = z.object({
  /** PUBLIC_URL/api/v1/hooks/registry */
  url: z.string(),
  token: hookTokenSchema.nullable(),
});

/** The whole token is returned once, when it is created or rotated, and never again. */
export const createdHookTokenSchema = z.object({
  url: z.string(),
  token: z.string(),
  hookToken: hookTokenSchema,
  /** True when it replaced an earlier token, which stops working at once. */
  rotated: z.boolean(),
});

// ---- the registry's notification ----

/**
 * The Docker distribution registry's envelope (Content-Type
 * application/vnd.docker.distribution.events.v1+json). Events are parsed one by one
 * (registryEventSchema), so one odd event is ignored instead of refusing the envelope: the registry
 * retries a refused envelope, and holds every later notification behind it.
 */
export const registryEnvelopeSchema = z.object({ events: z.array(z.unknown()).max(1_000) });

/** One event; unknown fields (actor, source, timestamp, …) are allowed and dropped. */
export const registryEventSchema = z.object({
  id: z.string().min(1).max(200),
  action: z.string().min(1).max(40),
  target: z.object({
    mediaType: z.string().max(255).optional(),
    repository: z.string().min(1).max(255),
    /** Present on a manifest pushed by tag; blob pushes and pushes by digest have none. */
    tag: z.string().min(1).max(128).optional(),
    digest: z.string().min(1).max(200),
  }),
  /** `host` is the Host header of the push: the registry as the pushing client named it. */
  request: z.object({ host: z.string().min(1).max(255) }),
});
export type RegistryEvent = z.infer<typeof registryEventSchema>;

export const registryHookAnswerSchema = z.object({
  /** Events in the envelope. */
  events: z.number().int(),
  /** Manifest pushes by tag among them, new ones and retried ones. */
  pushes: z.number().int(),
  /** Pushes this portal had received before (the registry retried): nothing was done again. */
  duplicates: z.number().int(),
  deployments: z.array(z.object({ app: z.string(), deploymentId: z.string(), image: z.string() })),
  /** Opted-in apps of the pushed image and tag that were not deployed, and why. */
  skipped: z.array(z.object({ app: z.string(), reason: z.string() })),
});
export type RegistryHookAnswer = z.infer<typeof registryHookAnswerSchema>;

// ---- an app's image status ----

/** `ask`: also ask the registry (through an agent of the app) for the tag's current digest. */
export const imageStatusInputSchema = z
  .object({ name: appNameSchema, registry: z.enum(["skip", "ask"]).default("skip") })
  .strict();

export const imageStatusSchema = z.object({
  image: z.string(),
  /** registry/path, normalised; null for an image id. */
  repository: z.string().nullable(),
  /** The tag a pull means; null when the image is pinned to a digest. */
  tag: z.string().nullable(),
  pullPolicy: z.enum(PULL_POLICIES),
  autoDeploy: z.boolean(),
  /** The last push notification received for this repository and tag. */
  lastPush: z.object({ receivedAt: z.string(), digest: z.string(), deployments: z.number().int() }).nullable(),
  /** The live release; `digest` is its sha256:… part. */
  live: z.object({ releaseNumber: z.number().int(), digest: z.string() }).nullable(),
  lastDeployment: z
    .object({
      id: z.string(),
      kind: z.enum(DEPLOYMENT_KINDS),
      status: z.enum(DEPLOYMENT_STATUSES),
      releaseNumber: z.number().int().nullable(),
      /** Its release's sha256:… part; null until the image was resolved. */
      digest: z.string().nullable(),
      requestedBy: z.string().nullable(),
      createdAt: z.string(),
    })
    .nullable(),
  /** Null when the registry was not asked; else its answer for the tag, or why there is none. */
  registry: z
    .object({ digest: z.string().nullable(), error: z.string().nullable(), hostName: z.string().nullable() })
    .nullable(),
  /** One sentence: what the facts above mean together. */
  verdict: z.string(),
});
export type ImageStatus = z.infer<typeof imageStatusSchema>;
