"use client";
// The team's webhooks: name, where they send (the URL's origin), format, events, on/off and the last
// delivery's outcome; Send test, the delivery log and removal (after a confirmation) for admins.
import { ActionIcon, Badge, Button, Code, Group, Paper, Stack, Switch, Table, Text, Tooltip } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconSend, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { webhookEndpointSchema } from "@wheelhouse/shared";
import type { z } from "zod";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { WEBHOOK_DELIVERY_STATUS_COLORS } from "../status";

type Endpoint = z.infer<typeof webhookEndpointSchema>;

function LastDelivery({ endpoint }: { endpoint: Endpoint }) {
  const last = endpoint.lastDelivery;
  if (!last)
    return (
      <Text fz="sm" c="dimmed">
        None yet
      </Text>
    );
  return (
    <Stack gap={2}>
      <Group gap={6} wrap="nowrap">
        <Badge variant="light" color={WEBHOOK_DELIVERY_STATUS_COLORS[last.status]} style={{ flexShrink: 0 }}>
          {last.status}
        </Badge>
        {last.statusCode !== null && (
          <Text fz="sm" style={{ whiteSpace: "nowrap" }}>
            HTTP {last.statusCode}
          </Text>
        )}
      </Group>
      <Text fz="xs" c="dimmed">
        <RelativeTime value={last.at} />
      </Text>
    </Stack>
  );
}

export function WebhooksTable({
  endpoints,
  onShowLog,
}: {
  endpoints: readonly Endpoint[];
  onShowLog: (endpoint: Endpoint) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const failed = (title: string) => (error: unknown) =>
    notifications.show({ color: "red", title, message: errorMessage(error) });
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: ({ endpoint }) => {
        notifications.show({
          color: "teal",
          title: endpoint.enabled ? "Webhook enabled" : "Webhook disabled",
          message: endpoint.enabled
            ? `${endpoint.name} receives its events again; deliveries held meanwhile go out now.`
            : `${endpoint.name} is sent nothing until enabled again; its deliveries wait (up to 24 hours).`,
        });
        return refresh();
      },
      onError: failed("Not changed"),
    }),
  );
  const test = useMutation(
    trpc.webhooks.test.mutationOptions({
      onSuccess: () => {
        notifications.show({
          color: "teal",
          title: "Test queued",
          message: "A webhook.test delivery is on its way; its outcome appears in the delivery log.",
        });
        return refresh();
      },
      onError: failed("Test not sent"),
    }),
  );
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "teal", title: "Webhook removed", message: "It is sent nothing more." });
        return refresh();
      },
      onError: failed("Not removed"),
    }),
  );
  const confirmRemove = (endpoint: Endpoint) =>
    modals.openConfirmModal({
      title: `Remove the webhook ${endpoint.name}?`,
      children: (
        <Text fz="sm">
          <Code>{endpoint.url}</Code> is sent nothing more. Deliveries still waiting are dropped, and the delivery log
          goes with it.
        </Text>
      ),
      labels: { confirm: "Remove webhook", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => remove.mutate({ id: endpoint.id }),
    });

  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={960}>
        <Table verticalSpacing="sm" aria-label="Webhooks">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Sends to</Table.Th>
              <Table.Th>Events</Table.Th>
              <Table.Th>Enabled</Table.Th>
              <Table.Th>Last delivery</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {endpoints.map((endpoint) => (
              <Table.Tr key={endpoint.id} data-testid={`webhook-${endpoint.name}`}>
                <Table.Td>
                  <Text fw={500} fz="sm" style={{ whiteSpace: "nowrap" }}>
                    {endpoint.name}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {endpoint.format === "slack" ? "Slack" : "Generic JSON"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Code fz="sm" style={{ whiteSpace: "nowrap" }}>
                    {endpoint.url}
                  </Code>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={endpoint.events.join(", ")} multiline maw={320}>
                    <Text fz="sm" tabIndex={0} style={{ whiteSpace: "nowrap" }}>
                      {endpoint.events.length} {endpoint.events.length === 1 ? "event" : "events"}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Switch
                    checked={endpoint.enabled}
                    onChange={(event) => update.mutate({ id: endpoint.id, enabled: event.currentTarget.checked })}
                    aria-label={`${endpoint.name} enabled`}
                  />
                </Table.Td>
                <Table.Td>
                  <LastDelivery endpoint={endpoint} />
                </Table.Td>
                <Table.Td>
                  <Group justify="flex-end" gap="xs" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="default"
                      leftSection={<IconSend size={14} />}
                      disabled={!endpoint.enabled}
                      loading={test.isPending && test.variables?.id === endpoint.id}
                      onClick={() => test.mutate({ id: endpoint.id })}
                      aria-label={`Send a test to ${endpoint.name}`}
                    >
                      Send test
                    </Button>
                    <Button size="xs" variant="default" onClick={() => onShowLog(endpoint)}>
                      Delivery log
                    </Button>
                    <Tooltip label="Remove">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        onClick={() => confirmRemove(endpoint)}
                        aria-label={`Remove the webhook ${endpoint.name}`}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
