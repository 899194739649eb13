// app.instance.start / .logs / .remove: one app instance as one labelled container. The labels are
// the record (the portal's inventory and the reconciler read them), so a repeated start finds the
// container it made before instead of making a second.
import { APP_LABELS, type InstanceSpec } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { demultiplex, lastLines } from "./container-logs";
import { engineMessage, engineStatus, isRemovalUnderway, removing, unlessMissing } from "./docker-errors";
import { containerName, createOptions, publishesProbePort } from "./instance-spec";
import { type PortRange, pickPort } from "./port-picker";

export interface InstanceSettings {
  portRange: PortRange;
  extraLabels: Record<string, string>;
}

export interface StartedInstance {
  containerId: string;
  name: string;
  hostPort: number;
  /** The 127.0.0.1 port of the probe port; null when the app has none (or runs on the host's network). */
  probeHostPort: number | null;
}

/** A port taken between the pick and the start (another process bound it) is retried this often. */
const START_ATTEMPTS = 3;

/** The engine's words when a published port cannot be bound. */
const PORT_TAKEN = /port is already allocated|address already in use/i;

/** Starts of one instance that are under way: a second call for the same instance waits for the first. */
const starting = new Map<string, Promise<StartedInstance>>();

/** The tail of the queue of port picks (see oneAtATime). */
let picking: Promise<unknown> = Promise.resolve();

/**
 * Runs pick-and-create for one start at a time in this process: a port is claimed only once the
 * container carrying its label exists, so two starts at once would otherwise pick the same port.
 */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = picking.then(work);
  // The caller gets the outcome, failure included, through `result`; the queue only waits its turn.
  picking = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}

/** Never logs or reports spec.env: it holds decrypted secrets. */
export function startInstance(
  docker: Docker,
  spec: InstanceSpec,
  settings: InstanceSettings,
): Promise<StartedInstance> {
  const pending = starting.get(spec.instanceId);
  if (pending) return pending;
  const started = startOnce(docker, spec, settings).finally(() => starting.delete(spec.instanceId));
  starting.set(spec.instanceId, started);
  return started;
}

async function startOnce(docker: Docker, spec: InstanceSpec, settings: InstanceSettings): Promise<StartedInstance> {
  const existing = await existingInstance(docker, spec);
  if (existing) return existing;

  const refused = new Set<number>();
  for (let attempt = 1; ; attempt += 1) {
    const { container, name, hostPort, probeHostPort } = await oneAtATime(async () => {
      const used = new Set([...(await claimedPorts(docker)), ...refused]);
      const port = await pickPort(settings.portRange, used);
      // The probe port's host port is picked the same way, and never the app's.
      const probePort = publishesProbePort(spec) ? await pickPort(settings.portRange, used.add(port)) : null;
      const created = await createContainer(docker, spec, { hostPort: port, probeHostPort: probePort }, settings);
      return { ...created, hostPort: port, probeHostPort: probePort };
    });
    try {
      await container.start();
    } catch (error) {
      // A container that never started is not an instance: remove it, so a retried start starts afresh.
      await removing(() => container.remove({ force: true, v: true }));
      if (PORT_TAKEN.test(engineMessage(error)) && attempt < START_ATTEMPTS) {
        // Which of the two was taken the engine does not say: neither is tried again.
        refused.add(hostPort);
        if (probeHostPort !== null) refused.add(probeHostPort);
        continue;
      }
      throw new Error(`starting the instance failed: ${engineMessage(error)}`);
    }
    // The create answer's id and the name we asked for: no inspect needed on this hot path.
    return { containerId: container.id, name, hostPort, probeHostPort: probeHostPortOf(spec, probeHostPort) };
  }
}

/**
 * What the portal probes for this instance: the published probe port, or with host networking the
 * probe port itself (the app binds it on the host).
 */
function probeHostPortOf(spec: InstanceSpec, published: number | null): number | null {
  if (published !== null) return published;
  const own = spec.network === "host" && spec.probePort !== null && spec.probePort !== spec.containerPort;
  return own ? spec.probePort : null;
}

interface HostPorts {
  hostPort: number;
  probeHostPort: number | null;
}

async function createContainer(
  docker: Docker,
  spec: InstanceSpec,
  ports: HostPorts,
  { extraLabels }: Pick<InstanceSettings, "extraLabels">,
): Promise<{ container: Docker.Container; name: string }> {
  const options = (name: string) => createOptions(spec, ports.hostPort, extraLabels, name, ports.probeHostPort);
  try {
    const name = containerName(spec);
    return { container: await docker.createContainer(options(name)), name };
  } catch (error) {
    if (engineStatus(error) !== 409) throw new Error(`creating the instance failed: ${engineMessage(error)}`);
  }
  // The short name is taken by another instance whose id starts with the same 8 characters (ids made
  // in the same instant do): this one gets its whole id in the name.
  const name = `${containerName(spec)}${spec.instanceId.slice(8)}`;
  try {
    return { container: await docker.createContainer(options(name)), name };
  } catch (error) {
    throw new Error(`creating the instance failed: ${engineMessage(error)}`);
  }
}

/** The container already made for this instance, started again if it is not running. */
async function existingInstance(docker: Docker, spec: InstanceSpec): Promise<StartedInstance | undefined> {
  const [found] = await docker.listContainers({
    all: true,
    filters: { label: [`${APP_LABELS.instance}=${spec.instanceId}`] },
  });
  if (!found) return undefined;
  const container = docker.getContainer(found.Id);
  const info = await container.inspect();
  if (info.State.Status === "created" || info.State.Status === "exited") {
    try {
      await container.start();
    } catch (error) {
      if (engineStatus(error) !== 304) throw new Error(`starting the instance failed: ${engineMessage(error)}`);
    }
  }
  const probeLabel = info.Config.Labels?.[APP_LABELS.probePort];
  return {
    containerId: info.Id,
    name: info.Name.replace(/^\//, ""),
    hostPort: Number(info.Config.Labels?.[APP_LABELS.port]),
    probeHostPort: probeHostPortOf(spec, probeLabel === undefined ? null : Number(probeLabel)),
  };
}

/** Host ports on the port and probe-port labels of every Wheelhouse container, running or not. */
async function claimedPorts(docker: Docker): Promise<number[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [APP_LABELS.port] } });
  return containers
    .flatMap((container) => [container.Labels[APP_LABELS.port], container.Labels[APP_LABELS.probePort]])
    .map(Number)
    .filter(Number.isInteger);
}

/** The last `lines` lines of the container's stdout and stderr, oldest first; a missing container has none. */
export async function instanceLogs(docker: Docker, containerId: string, lines: number): Promise<string[]> {
  const output = await unlessMissing(() =>
    docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: lines, follow: false }),
  );
  if (!output) return [];
  return lastLines(demultiplex(output).toString("utf8"), lines);
}

async function removeOne(docker: Docker, containerId: string, stopTimeoutSeconds: number): Promise<void> {
  const container = docker.getContainer(containerId);
  try {
    await container.stop({ t: stopTimeoutSeconds });
  } catch (error) {
    const status = engineStatus(error);
    if (status === 404 || isRemovalUnderway(error)) return;
    // 304: already stopped.
    if (status !== 304) throw error;
  }
  await removing(() => container.remove({ v: false }));
}

/** Stops (SIGTERM, then SIGKILL after the timeout) and removes each container, all at once; a missing one counts as removed. */
export async function removeInstances(
  docker: Docker,
  containerIds: string[],
  stopTimeoutSeconds: number,
): Promise<{ removed: string[] }> {
  const outcomes = await Promise.allSettled(containerIds.map((id) => removeOne(docker, id, stopTimeoutSeconds)));
  const removed: string[] = [];
  const failures: string[] = [];
  outcomes.forEach((outcome, index) => {
    const id = containerIds[index] ?? "";
    if (outcome.status === "fulfilled") removed.push(id);
    else failures.push(`${id.slice(0, 12)}: ${engineMessage(outcome.reason)}`);
  });
  if (failures.length > 0) {
    throw new Error(
      `${failures.length} of ${containerIds.length} instances could not be removed (${removed.length} were): ${failures.join("; ")}`,
    );
  }
  return { removed };
}
