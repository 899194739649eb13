// Turns the engine's inspect document into the protocol's Container (packages/shared).
import { CONTAINER_HEALTH, CONTAINER_STATES, type Container, type Image } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { hostAccessReasons } from "./host-access";

/** Docker writes "0001-01-01T00:00:00Z" for "never". */
function time(value: string | undefined): number | null {
  if (!value || value.startsWith("0001-")) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, fallback: T): T {
  return (allowed as readonly string[]).includes(value ?? "") ? (value as T) : fallback;
}

export function toContainer(info: Docker.ContainerInspectInfo): Container {
  const ports: Container["ports"] = [];
  for (const [spec, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    const [port, type = "tcp"] = spec.split("/");
    const privatePort = Number(port);
    if (!bindings || bindings.length === 0) ports.push({ privatePort, publicPort: null, ip: null, type });
    else
      for (const b of bindings)
        ports.push({ privatePort, publicPort: Number(b.HostPort) || null, ip: b.HostIp || null, type });
  }
  const state = oneOf(CONTAINER_STATES, info.State.Status, "dead");
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    image: info.Config.Image,
    imageId: info.Image,
    state,
    health: oneOf(CONTAINER_HEALTH, info.State.Health?.Status, "none"),
    ports,
    labels: info.Config.Labels ?? {},
    createdAt: time(info.Created) ?? 0,
    startedAt: time(info.State.StartedAt),
    finishedAt: state === "running" ? null : time(info.State.FinishedAt),
    exitCode: state === "running" || state === "created" ? null : info.State.ExitCode,
    hostAccess: hostAccessReasons(info),
  };
}

export function toImage(info: Docker.ImageInfo): Image {
  return {
    id: info.Id,
    tags: (info.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
    sizeBytes: info.Size,
    createdAt: info.Created * 1000,
  };
}
