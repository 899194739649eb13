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
  };
}

export function restartPolicy(policy: RestartPolicy): Docker.HostRestartPolicy {
  return { Name: policy, MaximumRetryCount: policy === "on-failure" ? ON_FAILURE_MAX_RETRIES : 0 };
}

/**
 * The create request. Host networking: the app listens on the host port itself (PORT=hostPort).
 * Published: the app listens on its own port inside the container, published on 127.0.0.1 only.
 */
export function createOptions(
  spec: InstanceSpec,
  hostPort: number,
  extraLabels: Record<string, string>,
  name = containerName(spec),
): Docker.ContainerCreateOptions {
  const host = spec.network === "host";
  const port = host ? hostPort : spec.containerPort;
  const env = { ...spec.env, PORT: String(port) };
  const exposed = `${spec.containerPort}/tcp`;
  return {
    name,
    Image: spec.image,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: instanceLabels(spec, hostPort, extraLabels),
    ...(host ? {} : { ExposedPorts: { [exposed]: {} } }),
    HostConfig: {
      NetworkMode: host ? "host" : "bridge",
      ...(host ? {} : { PortBindings: { [exposed]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] } }),
      RestartPolicy: restartPolicy(spec.restartPolicy),
      LogConfig: { Type: "json-file", Config: { "max-size": spec.logMaxSize, "max-file": String(spec.logMaxFile) } },
    },
  };
}
