"use client";
// A webhook's delivery log: newest first, each delivery's event, status, attempts and last answer,
// opened to show every attempt (time, response code or error, duration). Refreshed every few seconds
// while open, so a retry or a Send test shows up without a reload.
import { Accordion, Alert, Badge, Button, Code, Group, Modal, Skeleton, Stack, Table, Text } from "@mantine/core";
import { IconAlertCircle, IconInbox } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import type { webhookDeliverySchema } from "@wheelhouse/shared";
import type { z } from "zod";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { EmptyState } from "../empty-state";
import { RelativeTime } from "../relative-time";
import { WEBHOOK_DELIVERY_STATUS_COLORS } from "../status";

type Delivery = z.infer<typeof webhookDeliverySchema>;

function lastAnswer(delivery: Delivery): string {
  if (delivery.lastStatusCode !== null) return `HTTP ${delivery.lastStatusCode}`;
  if (delivery.lastError) return delivery.lastError;
  return delivery.attempts === 0 ? "Not sent yet" : "—";
}

function DeliveryItem({ delivery }: { delivery: Delivery }) {
  return (
    <Accordion.Item value={delivery.id} data-testid={`delivery-${delivery.id}`}>
      <Accordion.Control aria-label={`${delivery.event}, ${delivery.status}, ${delivery.attempts} attempts`}>
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            <Badge variant="light" color={WEBHOOK_DELIVERY_STATUS_COLORS[delivery.status]}>
              {delivery.status}
            </Badge>
            <Code fz="sm">{delivery.event}</Code>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Text fz="sm" c={delivery.lastStatusCode !== null && delivery.lastStatusCode < 300 ? undefined : "dimmed"}>
              {lastAnswer(delivery)}
            </Text>
            <Text fz="sm" c="dimmed">
              {delivery.attempts} {delivery.attempts === 1 ? "attempt" : "attempts"}
            </Text>
            <Text fz="sm" c="dimmed">
              <RelativeTime value={delivery.createdAt} />
            </Text>
          </Group>
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="xs">
          <Text fz="xs" c="dimmed">
            Delivery <Code fz="xs">{delivery.id}</Code>
            {delivery.deliveredAt && (
              <>
                {" · delivered "}
                <RelativeTime value={delivery.deliveredAt} />
              </>
            )}
            {delivery.nextAttemptAt && (
              <>
                {" · next attempt "}
                <RelativeTime value={delivery.nextAttemptAt} />
              </>
            )}
          </Text>
          {delivery.attemptLog.length === 0 ? (
            <Text fz="sm" c="dimmed">
              No attempt yet.
            </Text>
          ) : (
            <Table fz="sm" aria-label="Attempts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Answer</Table.Th>
                  <Table.Th>Took</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {delivery.attemptLog.map((attempt) => (
                  <Table.Tr key={attempt.at}>
                    <Table.Td>
                      <RelativeTime value={attempt.at} />
                    </Table.Td>
                    <Table.Td c={attempt.statusCode !== null && attempt.statusCode < 300 ? "teal" : "red"}>
                      {attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : attempt.error}
                    </Table.Td>
                    <Table.Td>{attempt.durationMs} ms</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {delivery.status === "failed" && delivery.lastError && (
            <Text fz="sm" c="red">
              {delivery.lastError}
            </Text>
          )}
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

export function DeliveryLogModal({
  endpoint,
  onClose,
}: {
  endpoint: { id: string; name: string } | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const log = useInfiniteQuery(
    trpc.webhooks.deliveries.infiniteQueryOptions(
      { id: endpoint?.id ?? "", limit: 25 },
      {
        enabled: endpoint !== null,
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        refetchInterval: 3_000,
      },
    ),
  );
  const deliveries = log.data?.pages.flatMap((page) => page.deliveries) ?? [];
  return (
    <Modal
      opened={endpoint !== null}
      onClose={onClose}
      title={endpoint ? `Deliveries to ${endpoint.name}` : ""}
      size="xl"
      centered
    >
      {log.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="sm">
          {errorMessage(log.error)}
        </Alert>
      )}
      {log.isPending ? (
        <Skeleton height={160} radius="md" />
      ) : deliveries.length === 0 ? (
        !log.error && (
          <EmptyState icon={IconInbox} title="No deliveries yet">
            Each event this webhook subscribed to appears here with every attempt to send it. Use Send test to try it
            now.
          </EmptyState>
        )
      ) : (
        <Stack>
          <Accordion variant="separated" chevronPosition="left">
            {deliveries.map((delivery) => (
              <DeliveryItem key={delivery.id} delivery={delivery} />
            ))}
          </Accordion>
          {log.hasNextPage && (
            <Group justify="center">
              <Button variant="default" onClick={() => log.fetchNextPage()} loading={log.isFetchingNextPage}>
                Older deliveries
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Modal>
  );
}
