// What about a container's configuration makes a shell in it as good as a shell on the host (issue 9,
// "a container shell is not a host shell"). The portal reserves such containers for admins; the
// agent reports the reasons because only the engine's inspect document holds them (the list output
// lacks Privileged, PidMode and the mounts' types).
import { type HostAccessReason, MAX_HOST_ACCESS_REASONS } from "@wheelhouse/shared";

/** The parts of the engine's inspect document this reads; all optional, as engines differ. */
export interface HostAccessView {
  HostConfig?: {
    Privileged?: boolean;
    PidMode?: string;
    NetworkMode?: string;
    IpcMode?: string;
    UsernsMode?: string;
    Devices?: unknown;
    CapAdd?: unknown;
  };
  Mounts?: { Type?: string; Source?: string; Destination?: string }[];
}

/** Mount types that hold no host path: a named (or anonymous) volume, a tmpfs, an image's files. */
const CONTAINED_MOUNTS = new Set(["volume", "tmpfs", "image"]);

/** Capabilities that let root in a container reach outside it (modules, raw devices, host files, ptrace). */
const ESCAPING_CAPABILITIES = new Set(["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "DAC_READ_SEARCH"]);

/** The Docker socket under any of its usual paths (a bind of its directory is a host path anyway). */
function isDockerSocket(path: string | undefined): boolean {
  return path !== undefined && /(^|\/)docker\.sock$/.test(path);
}

function capabilityNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((cap): cap is string => typeof cap === "string")
    .map((cap) => cap.toUpperCase().replace(/^CAP_/, ""));
}

/** Every reason this container counts as the host; empty when it is isolated like an app Wheelhouse runs. */
export function hostAccessReasons(info: HostAccessView): HostAccessReason[] {
  const reasons: HostAccessReason[] = [];
  const config = info.HostConfig ?? {};
  if (config.Privileged === true) reasons.push("privileged");
  if (config.PidMode === "host") reasons.push("host-pid");
  if (config.NetworkMode === "host") reasons.push("host-network");
  if (config.IpcMode === "host") reasons.push("host-ipc");
  if (config.UsernsMode === "host") reasons.push("host-userns");
  if (Array.isArray(config.Devices) && config.Devices.length > 0) reasons.push("devices");
  if (capabilityNames(config.CapAdd).some((cap) => ESCAPING_CAPABILITIES.has(cap))) reasons.push("capabilities");
  for (const mount of info.Mounts ?? []) {
    if (isDockerSocket(mount.Source) || isDockerSocket(mount.Destination)) {
      if (!reasons.includes("docker-socket")) reasons.push("docker-socket");
    } else if (!CONTAINED_MOUNTS.has(mount.Type ?? "")) {
      // Unknown mount types count as host paths: fail closed.
      const source = mount.Source?.startsWith("/") ? mount.Source : `/${mount.Source ?? ""}`;
      reasons.push(`host-path:${source.slice(0, 280)}`);
    }
  }
  return reasons.slice(0, MAX_HOST_ACCESS_REASONS);
}
