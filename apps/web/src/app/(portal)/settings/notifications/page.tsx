"use client";
// Settings → Notifications: the team's outgoing webhooks (issue 14). Admins add, switch, test and
// remove them and read each one's delivery log; other roles are told who manages this, since the
// list itself (where the team's events go) is an admin's.
import { Alert, Anchor, Button, Code, Group, Skeleton, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAlertCircle, IconBell, IconLock, IconPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { EmptyState } from "../../../../components/empty-state";
import { AddWebhookModal } from "../../../../components/notifications/add-webhook-modal";
import { DeliveryLogModal } from "../../../../components/notifications/delivery-log";
import { WebhooksTable } from "../../../../components/notifications/webhooks-table";
import { PageHeader } from "../../../../components/page-header";

function Webhooks() {
  const trpc = useTRPC();
  const [adding, { open, close }] = useDisclosure(false);
  const [logOf, setLogOf] = useState<{ id: string; name: string } | null>(null);
  const list = useQuery(trpc.webhooks.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  const rows = list.data?.endpoints ?? [];
  const addButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={open}>
      Add webhook
    </Button>
  );
  return (
    <>
      <section aria-labelledby="webhooks-heading">
        <Group justify="space-between" mb="sm" align="flex-end">
          <div>
            <Title order={2} fz="h3" id="webhooks-heading">
              Webhooks
            </Title>
            <Text fz="sm" c="dimmed" maw={720}>
              Each event is POSTed as JSON (or a Slack message), signed with the webhook's secret, and retried with
              growing waits for 24 hours until the receiver answers 2xx. How to check a signature:{" "}
              <Code>docs/webhooks.md</Code>.
            </Text>
          </div>
          {rows.length > 0 && addButton}
        </Group>
        {list.error && (
          <Alert color="red" icon={<IconAlertCircle />} mb="sm">
            {errorMessage(list.error)}
          </Alert>
        )}
        {list.isPending ? (
          <Skeleton height={120} radius="lg" />
        ) : rows.length > 0 ? (
          <WebhooksTable endpoints={rows} onShowLog={(endpoint) => setLogOf(endpoint)} />
        ) : (
          !list.error && (
            <EmptyState icon={IconBell} title="No webhooks yet" action={addButton}>
              Tell a chat channel or an on-call tool when an incident opens or is resolved, an approval waits or is
              decided, break-glass is used, or a deployment fails. Add a webhook with its URL and the events it wants.
            </EmptyState>
          )
        )}
      </section>
      <AddWebhookModal opened={adding} onClose={close} />
      <DeliveryLogModal endpoint={logOf} onClose={() => setLogOf(null)} />
    </>
  );
}

export default function NotificationsPage() {
  const mayManage = useCan("notifications.manage");
  return (
    <>
      <PageHeader
        title="Notifications"
        description="Outgoing webhooks: what your team is told about, and where."
        actions={
          <Anchor component={Link} href="/settings" fz="sm">
            Back to Settings
          </Anchor>
        }
      />
      <Stack gap="xl">
        {mayManage ? (
          <Webhooks />
        ) : (
          <EmptyState icon={IconLock} title="Admins manage notifications">
            Where the team's events are sent (chat channels, on-call tools) and with which secrets is set by an admin of
            your team. Ask one to add a webhook for the events you need.
          </EmptyState>
        )}
      </Stack>
    </>
  );
}
