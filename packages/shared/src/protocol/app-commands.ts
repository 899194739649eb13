// Commands that run apps on a host: resolve an image, start one instance, wait until it is
// healthy, read its last log lines, remove instances, render nginx, and clean up images. The portal's
// deploy orchestrator drives them one step at a time (decision 008); each is safe to repeat.
import { z } from "zod";
import { NETWORK_MODES, PULL_POLICIES, RESTART_POLICIES } from "../apps/app-fields";

const containerId = z.string().regex(/^[0-9a-f]{64}$/);
/** A registry login for one pull; `name` says which of the team's logins it is, for error messages. */
export const registryLoginSchema = z
  .object({
    name: z.string().min(1).max(300),
    serverAddress: z.string().min(1).max(300),
    username: z.string().min(1).max(300),
    password: z.string().min(1).max(4_096),
  })
  .strict();
export type RegistryLogin = z.infer<typeof registryLoginSchema>;

/** An image id or repo digest: what a release runs, never a moving tag. */
const imageDigest = z.string().regex(/^(sha256:[a-f0-9]{64}|[^\s@]+@sha256:[a-f0-9]{64})$/);
const entityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** Labels every container Wheelhouse creates carries; the reconciler and the inventory read them. */
export const APP_LABELS = {
  managed: "wheelhouse.managed",
  /** The host (agent) that made it: agents sharing one engine (tests, two portals) never touch each other's. */
  host: "wheelhouse.host",
  app: "wheelhouse.app",
  appName: "wheelhouse.app.name",
  release: "wheelhouse.release",
  releaseNumber: "wheelhouse.release.number",
  deployment: "wheelhouse.deployment",
  instance: "wheelhouse.instance",
  port: "wheelhouse.port",
  /** The host port published for the app's probe port, when it has one (live health). */
  probePort: "wheelhouse.probe-port",
} as const;

export const instanceSpecSchema = z
  .object({
    instanceId: entityId,
    hostId: entityId,
    appId: entityId,
    appName: z.string().min(1).max(40),
    releaseId: entityId,
    releaseNumber: z.number().int().min(1),
    deploymentId: entityId,
    /** What to run: the release's resolved digest (an image id or name@sha256:…). */
    image: imageDigest,
    containerPort: z.number().int().min(1).max(65_535),
    /**
     * The port inside the container that serves the probes, when it is not the app port: published
     * on 127.0.0.1 like the app port. Null (and left out by portals older than live health): none.
     */
    probePort: z.number().int().min(1).max(65_535).nullable().default(null),
    network: z.enum(NETWORK_MODES),
    /** Variables including decrypted secrets. Never logged by either side. PORT is added by the agent. */
    env: z.record(z.string(), z.string()),
    restartPolicy: z.enum(RESTART_POLICIES),
    logMaxSize: z.string().regex(/^[0-9]+[kmg]$/),
    logMaxFile: z.number().int().min(1).max(100),
  })
  .strict();
export type InstanceSpec = z.infer<typeof instanceSpecSchema>;

/** One domain's certificate as nginx serves it: the leaf first, then the chain up to (not including) the root. */
export const siteCertificateSchema = z
  .object({
    domain: z.string().min(1).max(253),
    fullChainPem: z.string().min(1).max(64_000),
    keyPem: z.string().min(1).max(16_000),
  })
  .strict();
export type SiteCertificate = z.infer<typeof siteCertificateSchema>;

/** An ACME HTTP-01 token: base64url (RFC 8555 section 8.3), so it is safe as a file name. */
export const acmeTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "An ACME token is base64url.");

export const nginxSiteSchema = z
  .object({
    appId: entityId,
    appName: z.string().min(1).max(40),
    domains: z.array(z.string().min(1).max(253)).min(1),
    /** Healthy instances on this host; empty means the `server 127.0.0.1:1 down;` placeholder. */
    upstreams: z.array(z.object({ port: z.number().int().min(1).max(65_535) }).strict()),
    maintenance: z.boolean(),
    /**
     * The certificates this site serves on the HTTPS port, one per domain of `domains` (issue 15).
     * The key travels only over the agent's own socket and is written readable by the agent and
     * nginx alone. Empty: HTTP only. Defaults keep a portal that predates TLS understood.
     */
    tls: z.array(siteCertificateSchema).max(100).default([]),
    /** Answer plain HTTP for the certified domains with a permanent redirect to HTTPS (the ACME challenge excepted). */
    httpsRedirect: z.boolean().default(false),
    /** Send Strict-Transport-Security on HTTPS answers of the certified domains. */
    hsts: z.boolean().default(false),
  })
  .strict();
export type NginxSite = z.infer<typeof nginxSiteSchema>;

export const nginxStatusSchema = z.object({
  mode: z.enum(["managed", "system", "off"]),
  running: z.boolean(),
  httpPort: z.number().int().nullable(),
  httpsPort: z.number().int().nullable(),
  version: z.string().nullable(),
  error: z.string().nullable(),
});
export type NginxStatus = z.infer<typeof nginxStatusSchema>;

export const APP_COMMANDS = {
  /**
   * Make sure the image is on the host as the pull policy says, and name its digest. `login`, when
   * given, goes to the engine with this pull only (X-Registry-Auth) and is never stored or logged.
   */
  "image.resolve": {
    params: z
      .object({
        ref: z.string().min(1).max(512),
        pullPolicy: z.enum(PULL_POLICIES),
        login: registryLoginSchema.optional(),
      })
      .strict(),
    result: z.object({
      /** The local image id (sha256:…): what `docker inspect` of a container shows as Image. */
      imageId: z.string(),
      /** The digest in the reference's own repository (repo@sha256:…), or null when it has none there. */
      repoDigest: z.string().nullable(),
      pulled: z.boolean(),
      /**
       * pulled: fetched now; up-to-date: the registry's digest for the tag is the local one;
       * local: used as found on the host, the registry not asked (if-not-present, never, or a digest
       * already here).
       */
      source: z.enum(["pulled", "up-to-date", "local"]),
    }),
  },
  /** Ask the registry (through the engine) for the digest a tag points at now, without pulling. */
  "image.remote-digest": {
    params: z.object({ ref: z.string().min(1).max(512), login: registryLoginSchema.optional() }).strict(),
    result: z.object({ digest: z.string() }),
  },
  /**
   * Create and start one instance. Idempotent by instanceId: if a container with that instance label
   * exists it is returned as it is. The agent picks a free host port and records it in a label.
   */
  "app.instance.start": {
    params: instanceSpecSchema,
    result: z.object({
      containerId,
      name: z.string(),
      hostPort: z.number().int(),
      /** The 127.0.0.1 port of the probe port; null when the spec has none (or the agent predates it). */
      probeHostPort: z.number().int().nullable().default(null),
    }),
  },
  /** Probe http://127.0.0.1:hostPort{path} every intervalMs until 2xx/3xx, the container exits, or timeout. */
  "app.instance.await-healthy": {
    params: z
      .object({
        containerId,
        hostPort: z.number().int().min(1).max(65_535),
        path: z.string().min(1).max(200),
        timeoutMs: z.number().int().min(100).max(600_000),
        intervalMs: z.number().int().min(50).max(10_000),
      })
      .strict(),
    result: z.discriminatedUnion("healthy", [
      z.object({ healthy: z.literal(true), afterMs: z.number(), probes: z.number().int() }),
      z.object({
        healthy: z.literal(false),
        /** One sentence: "exited with code 1", "no answer on port 20001 within 10 s (last: connection refused)". */
        reason: z.string(),
        logTail: z.array(z.string()),
      }),
    ]),
  },
  /** The last lines of an instance's output (stdout and stderr, oldest first). */
  "app.instance.logs": {
    params: z.object({ containerId, lines: z.number().int().min(1).max(500) }).strict(),
    result: z.object({ lines: z.array(z.string()) }),
  },
  /** Stop (SIGTERM, then kill after stopTimeoutSeconds) and remove; an already missing container counts as removed. */
  "app.instance.remove": {
    params: z
      .object({
        containerIds: z.array(containerId).max(200),
        stopTimeoutSeconds: z.number().int().min(0).max(300),
      })
      .strict(),
    result: z.object({ removed: z.array(z.string()) }),
  },
  /**
   * Replace every Wheelhouse site on this host's nginx with these: render, `nginx -t`, reload. On any
   * failure the last good configuration is put back and the error is nginx's own words.
   */
  "nginx.apply": {
    params: z.object({ sites: z.array(nginxSiteSchema).max(2_000) }).strict(),
    result: z.object({ reloaded: z.boolean(), configHash: z.string() }),
  },
  "nginx.status": { params: z.object({}).strict(), result: nginxStatusSchema },
  /**
   * Publish an HTTP-01 answer: nginx serves `keyAuthorization` at
   * /.well-known/acme-challenge/TOKEN on the HTTP port of every Wheelhouse site of this host, from
   * the moment this returns (issue 15). Idempotent.
   */
  "acme.challenge.put": {
    params: z
      .object({
        token: acmeTokenSchema,
        // token "." base64url(SHA-256 thumbprint of the account key), RFC 8555 section 8.1.
        keyAuthorization: z.string().regex(/^[A-Za-z0-9_-]{16,256}\.[A-Za-z0-9_-]{43}$/),
      })
      .strict(),
    result: z.object({}),
  },
  /** Withdraw an HTTP-01 answer once the order no longer needs it; a missing one counts as removed. */
  "acme.challenge.remove": { params: z.object({ token: acmeTokenSchema }).strict(), result: z.object({}) },
  /** Remove these images unless a container uses them; `keep` always wins. */
  "image.remove-unused": {
    params: z.object({ candidates: z.array(imageDigest).max(500), keep: z.array(imageDigest).max(5_000) }).strict(),
    result: z.object({
      removed: z.array(z.string()),
      skipped: z.array(z.object({ image: z.string(), reason: z.string() })),
    }),
  },
} as const;
