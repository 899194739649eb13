"use client";
import { Alert, Text } from "@mantine/core";
import { IconCopy } from "@tabler/icons-react";
import { RelativeTime } from "../relative-time";

/** Two agents use one host's key (server/hosts/key-conflicts.ts): say so, and what to do. */
export function KeyConflictAlert({
  conflict,
}: {
  conflict: { since: Date | string; refusedAttempts: number; lastRefusedAt: Date | string };
}) {
  return (
    <Alert color="orange" icon={<IconCopy size={18} />} title="This host's key is in use by two agents">
      <Text fz="sm">
        Since <RelativeTime value={new Date(conflict.since)} />, a second agent has been connecting with this host's key
        ({conflict.refusedAttempts} {conflict.refusedAttempts === 1 ? "attempt" : "attempts"} refused, the latest{" "}
        <RelativeTime value={new Date(conflict.lastRefusedAt)} />
        ). The portal keeps the agent that is connected and makes the other wait longer each time. Stop the second agent
        (a copied config directory, or an old agent still running), or enrol that machine as a host of its own.
      </Text>
    </Alert>
  );
}
