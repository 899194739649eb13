"use client";
// The incident's header: number, title, severity and status, the lead, what it is about (with
// links), and for operators the controls that move it: status step by step, severity, lead.
import { Anchor, Button, Card, Group, Select, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowRight } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  INCIDENT_STATUSES,
  type IncidentDetail,
  type IncidentStatus,
  SEVERITIES,
  type Severity,
} from "@wheelhouse/shared";
import Link from "next/link";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { IncidentStatusBadge, SeverityBadge } from "./incident-badges";
import { OpenShellButton } from "./open-shell-button";

/** The status after this one on the usual path, or null once resolved. */
function nextStatus(status: IncidentStatus): IncidentStatus | null {
  const index = INCIDENT_STATUSES.indexOf(status);
  return INCIDENT_STATUSES[index + 1] ?? null;
}

export function IncidentHeader({ incident }: { incident: IncidentDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayManage = useCan("incidents.manage");
  const members = useQuery(trpc.users.list.queryOptions(undefined, { enabled: mayManage }));
  const update = useMutation(
    trpc.incidents.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() }),
      onError: (error) => notifications.show({ color: "red", title: "Not changed", message: errorMessage(error) }),
    }),
  );
  const next = nextStatus(incident.status);
  const leadName = incident.lead ? (incident.lead.name ?? incident.lead.email) : null;

  return (
    <Card withBorder radius="lg" padding="lg" mb="lg">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
          <Stack gap={4}>
            <Group gap="xs">
              <SeverityBadge severity={incident.severity} />
              <IncidentStatusBadge status={incident.status} />
            </Group>
            <Title order={1} fz="h2">
              <Text span c="dimmed" inherit ff="monospace">
                #{incident.number}
              </Text>{" "}
              {incident.title}
            </Title>
            <Text fz="sm" c="dimmed">
              Opened <RelativeTime value={incident.openedAt} />{" "}
              {incident.openedBy === "signal" ? "by a signal" : `by ${incident.openedBy}`}
              {incident.resolvedAt && (
                <>
                  {" "}
                  · resolved <RelativeTime value={incident.resolvedAt} />
                </>
              )}
              {incident.signals > 0 && ` · ${incident.signals} signal${incident.signals === 1 ? "" : "s"}`}
            </Text>
          </Stack>
          <Group gap="xs">
            {incident.app && <OpenShellButton app={incident.app} />}
            {mayManage && next && (
              <Button
                rightSection={<IconArrowRight size={16} />}
                color={next === "Resolved" ? "teal" : undefined}
                loading={update.isPending && update.variables?.status === next}
                onClick={() => update.mutate({ id: incident.id, status: next })}
              >
                {next === "Resolved" ? "Resolve" : `Mark ${next}`}
              </Button>
            )}
          </Group>
        </Group>

        <Group gap="xl" wrap="wrap" align="flex-end">
          <Stack gap={2}>
            <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
              About
            </Text>
            <Text fz="sm">
              {incident.app && (
                <Anchor component={Link} href={`/apps/${encodeURIComponent(incident.app)}`}>
                  {incident.app}
                </Anchor>
              )}
              {incident.app && incident.host && " on "}
              {incident.host && (
                <Anchor component={Link} href={`/hosts/${encodeURIComponent(incident.host.id)}`}>
                  {incident.host.name}
                </Anchor>
              )}
              {!incident.app && !incident.host && "Nothing in particular"}
            </Text>
          </Stack>
          {mayManage ? (
            <>
              <Select
                label="Status"
                w={170}
                data={[...INCIDENT_STATUSES]}
                value={incident.status}
                allowDeselect={false}
                onChange={(value) =>
                  value &&
                  value !== incident.status &&
                  update.mutate({ id: incident.id, status: value as IncidentStatus })
                }
              />
              <Select
                label="Severity"
                w={120}
                data={SEVERITIES.map((level) => ({ value: level, label: level }))}
                value={incident.severity}
                allowDeselect={false}
                onChange={(value) =>
                  value &&
                  value !== incident.severity &&
                  update.mutate({ id: incident.id, severity: value as Severity })
                }
              />
              <Select
                label="Lead"
                w={260}
                placeholder="Nobody leads"
                clearable
                searchable
                data={(members.data ?? [])
                  .filter((member) => !member.disabled || member.id === incident.lead?.id)
                  .map((member) => ({ value: member.id, label: member.name || member.email }))}
                value={incident.lead?.id ?? null}
                onChange={(value) =>
                  value !== (incident.lead?.id ?? null) && update.mutate({ id: incident.id, leadId: value })
                }
              />
            </>
          ) : (
            <Stack gap={2}>
              <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
                Lead
              </Text>
              <Text fz="sm">{leadName ?? "Nobody leads"}</Text>
            </Stack>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
