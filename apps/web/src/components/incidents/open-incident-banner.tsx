"use client";
// On an app's page: the app's open incident(s), linking to each, so whoever looks at the app knows
// someone is (or should be) on it.
import { Alert, Anchor, Group, Stack, Text } from "@mantine/core";
import { IconUrgent } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../client/trpc";
import { IncidentStatusBadge, SeverityBadge } from "./incident-badges";
import { incidentPath } from "./incidents-table";

export function OpenIncidentBanner({ app }: { app: string }) {
  const trpc = useTRPC();
  const open = useQuery(trpc.incidents.list.queryOptions({ app, status: "open" }));
  const incidents = open.data?.incidents ?? [];
  if (incidents.length === 0) return null;
  return (
    <Alert
      color="red"
      icon={<IconUrgent />}
      mb="md"
      title={
        incidents.length === 1
          ? "An incident is open on this app"
          : `${incidents.length} incidents are open on this app`
      }
      data-testid="open-incident-banner"
    >
      <Stack gap={4}>
        {incidents.map((incident) => (
          <Group key={incident.id} gap="xs" wrap="wrap">
            <SeverityBadge severity={incident.severity} />
            <IncidentStatusBadge status={incident.status} />
            {/* The alert's own text colour, underlined: the link blue reads under 4.5:1 on the dark theme's red. */}
            <Anchor component={Link} href={incidentPath(incident.id)} fz="sm" fw={500} c="inherit" underline="always">
              #{incident.number} {incident.title}
            </Anchor>
            <Text fz="xs" c="dimmed">
              {incident.lead ? `led by ${incident.lead.name ?? incident.lead.email}` : "nobody leads yet"}
            </Text>
          </Group>
        ))}
      </Stack>
    </Alert>
  );
}
