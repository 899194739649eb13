// Which containers count as the host (issue 9, "a container shell is not a host shell"). Operators
// with the shell grant may open shells, run `wheelhouse exec` and read environment values only in
// containers Wheelhouse runs for an app of their team that cannot reach the host; every other
// container is as good as a host shell and needs hosts.shell (admins). Pure: the callers look up
// the container and the team's apps.
import { APP_LABELS, type Container, type HostAccessReason } from "@wheelhouse/shared";

export type ShellDecision = { shell: "allowed"; reason: null } | { shell: "admin-only"; reason: string };

const ALLOWED: ShellDecision = { shell: "allowed", reason: null };

function adminOnly(why: string): ShellDecision {
  return { shell: "admin-only", reason: `${why} A shell in it counts as a host shell: only admins may open one.` };
}

const REASON_WORDS: Record<string, string> = {
  privileged: "runs privileged",
  "docker-socket": "mounts the Docker socket",
  "host-pid": "shares the host's processes (PID namespace)",
  "host-network": "shares the host's network",
  "host-ipc": "shares the host's IPC namespace",
  "host-userns": "runs in the host's user namespace",
  devices: "is given host devices",
  capabilities: "holds capabilities that reach outside the container",
};

/** "mounts the Docker socket and bind-mounts /srv/data": the reasons as a person reads them. */
export function describeHostAccess(reasons: readonly HostAccessReason[]): string {
  const words = reasons.map((reason) =>
    reason.startsWith("host-path:")
      ? `bind-mounts the host's ${reason.slice("host-path:".length)}`
      : (REASON_WORDS[reason] ?? reason),
  );
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * The decision for one container of `hostId`. `teamAppIds` holds the ids of the person's team's apps
 * among those the container's labels name. Unknown means host: a container the portal has no record
 * of, or one whose agent does not report host access, is admin-only.
 */
export function classifyContainer(
  container: Container | undefined,
  hostId: string,
  teamAppIds: ReadonlySet<string>,
): ShellDecision {
  if (!container) return adminOnly("The portal does not know this container's configuration.");
  if (container.hostAccess === undefined) {
    return adminOnly(`The agent on this host does not report whether ${container.name} can reach the host.`);
  }
  if (container.hostAccess.length > 0) {
    return adminOnly(`${container.name} ${describeHostAccess(container.hostAccess)}.`);
  }
  const labels = container.labels;
  const appId = labels[APP_LABELS.app];
  const managed = labels[APP_LABELS.managed] === "1" && labels[APP_LABELS.host] === hostId;
  if (!managed || !appId || !teamAppIds.has(appId)) {
    return adminOnly(`Wheelhouse does not run ${container.name} for an app of your team.`);
  }
  return ALLOWED;
}

/** The app ids a container's labels name (at most one), to look up in the team before classifying. */
export function labelledAppId(container: Container | undefined): string | undefined {
  return container?.labels[APP_LABELS.app];
}
