"use client";
// An agent's version against the portal's, and the line that upgrades an older one in place.
import { Alert, Badge, Text, Tooltip } from "@mantine/core";
import { IconCircleArrowUp } from "@tabler/icons-react";
import { type AgentVersionStatus, agentInstallCommand, type PortalInfo } from "@wheelhouse/shared";
import { STATUS_COLORS } from "../status";
import { CommandBlock } from "./command-block";
import { portalAddress } from "./portal-address";

interface VersionedHost {
  name: string;
  agentVersion: string | null;
  agentVersionStatus: AgentVersionStatus;
}

const HINTS: Record<AgentVersionStatus, (portalVersion: string) => string> = {
  current: (portal) => `The same version as the portal (${portal}).`,
  older: (portal) => `Older than the portal (${portal}): upgrade it with the line below.`,
  newer: (portal) => `Newer than the portal (${portal}): upgrade the portal, or leave it; agents stay compatible.`,
  unknown: () => "The agent did not report a version the portal can compare (a development build, or none yet).",
};

export function AgentVersionBadge({ host, portalVersion }: { host: VersionedHost; portalVersion: string }) {
  const older = host.agentVersionStatus === "older";
  return (
    <Tooltip label={HINTS[host.agentVersionStatus](portalVersion)} multiline w={260} withArrow>
      <Badge
        variant="light"
        color={older ? STATUS_COLORS.attention : STATUS_COLORS.idle}
        data-testid="agent-version"
        data-version-status={host.agentVersionStatus}
        style={{ textTransform: "none" }}
      >
        {host.agentVersion ? `Agent ${host.agentVersion}` : "Agent version unknown"}
        {older && " · older"}
      </Badge>
    </Tooltip>
  );
}

/** Shown for an older agent: the installer run again without a token upgrades it and keeps agent.json. */
export function UpgradeAgentAlert({ host, portal }: { host: VersionedHost; portal: PortalInfo }) {
  const command = agentInstallCommand(portalAddress(portal.publicUrl));
  return (
    <Alert
      color={STATUS_COLORS.attention}
      icon={<IconCircleArrowUp size={18} />}
      title={`Agent ${host.agentVersion ?? ""} is older than the portal (${portal.version})`}
      data-testid="agent-upgrade"
    >
      <Text fz="sm" mb="xs">
        Run this on {host.name} as root. It upgrades the agent in place and keeps its enrolment, so no new token is
        needed. If you installed with <code>--prefix</code> or <code>--config-dir</code>, add them again.
      </Text>
      <CommandBlock command={command} label={`the upgrade command for ${host.name}`} testId="upgrade-command" />
    </Alert>
  );
}
