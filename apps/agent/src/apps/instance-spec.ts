// What the engine is asked to create for one instance: its name, labels and create options. Pure, so
// the rules (labels, PORT, restart policy, log rotation) are tested without an engine.
import { APP_LABELS, type InstanceSpec, type RestartPolicy } from "@wheelhouse/shared";
import type Docker from "dockerode";

/** How often the engine restarts an instance that exits with an error (restart policy on-failure). */
export const ON_FAILURE_MAX_RETRIES = 5;

/** Characters Docker allows in a container name after the first. */
const NAME_UNSAFE = /[^a-zA-Z0-9_.-]+/g;

/** `wh-<app>-r<release>-<first 8 of the instance id>`: a person can tell instances apart in `docker ps`. */
export function containerName(spec: Pick<InstanceSpec, "appName" | "releaseNumber" | "instanceId">): string {
  const app = spec.appName.replace(NAME_UNSAFE, "-");
  return `wh-${app}-r${spec.releaseNumber}-${spec.instanceId.slice(0, 8)}`;
}

/** Settings' extra labels first, so none of them can overwrite a label Wheelhouse reads back. */
export function instanceLabels(
  spec: InstanceSpec,
  hostPort: number,
  extraLabels: Record<string, string>,
  probeHostPort: number | null = null,
): Record<string, string> {
  return {
    ...extraLabels,
    [APP_LABELS.managed]: "1",
    [APP_LABELS.host]: spec.hostId,
    [APP_LABELS.app]: spec.appId,
    [APP_LABELS.appName]: spec.appName,
    [APP_LABELS.release]: spec.releaseId,
    [APP_LABELS.releaseNumber]: String(spec.releaseNumber),
    [APP_LABELS.deployment]: spec.deploymentId,
    [APP_LABELS.instance]: spec.instanceId,
    [APP_LABELS.port]: String(hostPort),
    ...(probeHostPort === null ? {} : { [APP_LABELS.probePort]: String(probeHostPort) }),
  };
}

export function restartPolicy(policy: RestartPolicy): Docker.HostRestartPolicy {
  return { Name: policy, MaximumRetryCount: policy === "on-failure" ? ON_FAILURE_MAX_RETRIES : 0 };
}

/**
 * Whether the spec's probe port needs a host port of its own: published networking and a probe port
 * other than the app port. (Host networking: the app binds its probe port on the host itself.)
 */
export function publishesProbePort(spec: InstanceSpec): boolean {
  return spec.network === "published" && spec.probePort !== null && spec.probePort !== spec.containerPort;
}

/**
 * The create request. Host networking: the app listens on the host port itself (PORT=hostPort).
 * Published: the app listens on its own port inside the container, published on 127.0.0.1 only,
 * and so is its probe port when it has one (`probeHostPort`).
 */
export function createOptions(
  spec: InstanceSpec,
  hostPort: number,
  extraLabels: Record<string, string>,
  name = containerName(spec),
  probeHostPort: number | null = null,
): Docker.ContainerCreateOptions {
  const host = spec.network === "host";
  const port = host ? hostPort : spec.containerPort;
  const env = { ...spec.env, PORT: String(port) };
  const exposed = `${spec.containerPort}/tcp`;
  const bindings: Record<string, Docker.PortBinding[]> = {
    [exposed]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }],
  };
  if (probeHostPort !== null && spec.probePort !== null) {
    bindings[`${spec.probePort}/tcp`] = [{ HostIp: "127.0.0.1", HostPort: String(probeHostPort) }];
  }
  return {
    name,
    Image: spec.image,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: instanceLabels(spec, hostPort, extraLabels, probeHostPort),
    ...(host ? {} : { ExposedPorts: Object.fromEntries(Object.keys(bindings).map((key) => [key, {}])) }),
    HostConfig: {
      NetworkMode: host ? "host" : "bridge",
      ...(host ? {} : { PortBindings: bindings }),
      RestartPolicy: restartPolicy(spec.restartPolicy),
      LogConfig: { Type: "json-file", Config: { "max-size": spec.logMaxSize, "max-file": String(spec.logMaxFile) } },
    },
  };
}
