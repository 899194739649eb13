// The lines a person runs on a host to install, enrol or upgrade its agent. Shown by the Add-host
// dialog, the Hosts page and `wheelhouse hosts add`; built here once so they cannot drift apart.
// They are text for a person to paste, never run by Wheelhouse, but the portal address is quoted
// when it holds anything a shell would read specially.

/** Served by the portal without authentication (issue 12): the POSIX sh installer. */
const AGENT_INSTALL_SCRIPT_PATH = "/install/agent.sh";

/** The image docker/agent.Dockerfile builds. */
const AGENT_IMAGE = "wheelhouse-agent";

function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

function scriptUrl(portalUrl: string): string {
  return `${portalUrl.replace(/\/+$/, "")}${AGENT_INSTALL_SCRIPT_PATH}`;
}

/**
 * The one line: download the installer from the portal and run it as root. With a token it
 * installs and enrols; without one it upgrades an installed agent in place (its agent.json stays).
 */
export function agentInstallCommand(portalUrl: string, token?: string): string {
  const fetch = `curl -fsSL ${shellWord(scriptUrl(portalUrl))}`;
  return token === undefined ? `${fetch} | sudo sh` : `${fetch} | sudo sh -s -- --token ${shellWord(token)}`;
}

/** Where `wheelhouse-agent` is already on the host (a checkout, or an earlier install). */
export function agentEnrollCommand(portalUrl: string, token: string): string {
  return `wheelhouse-agent enroll --portal ${shellWord(portalUrl)} --token ${shellWord(token)} && wheelhouse-agent run`;
}

/** The agent as a container: enrol once into a volume, then run it with the Docker socket. */
export function agentContainerCommand(portalUrl: string, token: string): string {
  const mounts = "-v wheelhouse-agent:/etc/wheelhouse-agent -v /var/run/docker.sock:/var/run/docker.sock";
  return [
    `docker run --rm ${mounts} ${AGENT_IMAGE} enroll --portal ${shellWord(portalUrl)} --token ${shellWord(token)} &&`,
    `docker run -d --restart unless-stopped --name wheelhouse-agent ${mounts} ${AGENT_IMAGE}`,
  ].join(" \\\n  ");
}
