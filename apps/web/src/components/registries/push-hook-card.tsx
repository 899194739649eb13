"use client";
// Settings → Registries → Deploy on push: where the registry sends its notifications, the team's
// hook token (prefix and age; the whole token is shown once, when created or rotated), and the
// `notifications:` block to paste into the registry's config.yml. Admins only (hooks.manage).
import { Alert, Badge, Button, Card, Code, Group, Modal, Skeleton, Stack, Text, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconAlertTriangle, IconRefresh, IconWebhook } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { CopyField } from "../settings/create-api-key-modal";

/** The registry's side: distribution's `notifications:` block (docs: "Configuring a registry"). */
export function notificationsSnippet(url: string, token: string): string {
  return [
    "notifications:",
    "  endpoints:",
    "    - name: wheelhouse",
    `      url: ${url}`,
    "      headers:",
    `        Authorization: [Bearer ${token}]`,
    "      timeout: 5s",
    "      threshold: 5",
    "      backoff: 10s",
  ].join("\n");
}

function Explanation() {
  return (
    <Text fz="sm" c="dimmed">
      When CI pushes an image, the registry tells Wheelhouse, and every app with <b>Auto-deploy on push</b> whose image
      is that repository and tag gets a deploy of exactly the pushed digest. A repeated notification deploys once.
    </Text>
  );
}

export function PushHookCard() {
  const mayManage = useCan("hooks.manage");
  return (
    <section aria-labelledby="push-hook-heading">
      <Title order={2} fz="h3" id="push-hook-heading" mb={4}>
        Deploy on push
      </Title>
      <Stack gap="sm">
        <Explanation />
        {mayManage ? (
          <PushHookControls />
        ) : (
          <Text fz="sm">Only admins see and change the push hook token, since it deploys on its own.</Text>
        )}
      </Stack>
    </section>
  );
}

function PushHookControls() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hook = useQuery(trpc.hooks.registry.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.hooks.registry.queryKey() });
  const create = useMutation(
    trpc.hooks.createRegistryToken.mutationOptions({
      onSuccess: refresh,
      onError: (error) => notifications.show({ color: "red", title: "No token made", message: errorMessage(error) }),
    }),
  );
  const revoke = useMutation(
    trpc.hooks.revokeRegistryToken.mutationOptions({
      onSuccess: () => {
        notifications.show({
          color: "teal",
          title: "Push hook token revoked",
          message: "The registry's notifications are refused from now on; nothing deploys on push.",
        });
        return refresh();
      },
      onError: (error) => notifications.show({ color: "red", title: "Not revoked", message: errorMessage(error) }),
    }),
  );

  if (hook.isPending) return <Skeleton height={140} radius="lg" />;
  if (hook.error) {
    return (
      <Alert color="red" icon={<IconAlertCircle />}>
        {errorMessage(hook.error)}
      </Alert>
    );
  }
  const { url, token } = hook.data;
  const confirmRotate = () =>
    modals.openConfirmModal({
      title: "Rotate the push hook token?",
      children: (
        <Text fz="sm">
          The token starting <Code>{token?.prefix}</Code> stops working at once: paste the new one into the registry's
          configuration, or its notifications are refused.
        </Text>
      ),
      labels: { confirm: "Rotate token", cancel: "Cancel" },
      confirmProps: { color: "orange" },
      onConfirm: () => create.mutate({}),
    });
  const confirmRevoke = () =>
    modals.openConfirmModal({
      title: "Revoke the push hook token?",
      children: (
        <Text fz="sm">
          The registry's notifications are refused from now on, and nothing deploys on push until you create a new
          token.
        </Text>
      ),
      labels: { confirm: "Revoke token", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => revoke.mutate({}),
    });

  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <CopyField label="Notification URL" value={url} testId="push-hook-url" />
        <Group justify="space-between" align="center">
          <div>
            <Text fz="sm" fw={500}>
              Hook token
            </Text>
            {token ? (
              <Text fz="sm" data-testid="push-hook-token">
                <Code>{token.prefix}…</Code> created <RelativeTime value={token.createdAt} />
                {token.createdBy ? ` by ${token.createdBy}` : ""}
              </Text>
            ) : (
              <Badge variant="light" color="gray">
                none yet
              </Badge>
            )}
          </div>
          <Group gap="xs">
            {token ? (
              <>
                <Button
                  variant="default"
                  leftSection={<IconRefresh size={16} />}
                  onClick={confirmRotate}
                  loading={create.isPending}
                >
                  Rotate
                </Button>
                <Button variant="subtle" color="red" onClick={confirmRevoke} loading={revoke.isPending}>
                  Revoke
                </Button>
              </>
            ) : (
              <Button
                leftSection={<IconWebhook size={16} />}
                onClick={() => create.mutate({})}
                loading={create.isPending}
              >
                Create token
              </Button>
            )}
          </Group>
        </Group>
        <Stack gap={4}>
          <Text fz="sm" fw={500}>
            In the registry's config.yml
          </Text>
          <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
            {notificationsSnippet(url, token ? `${token.prefix}…` : "<hook token>")}
          </Code>
          <Text fz="xs" c="dimmed">
            The registry names itself by the host CI pushed to; an app's image must name the registry the same way (e.g.{" "}
            <Code>registry.example.com:5000/shop:latest</Code>).
          </Text>
        </Stack>
      </Stack>
      <Modal
        opened={create.data !== undefined}
        onClose={() => create.reset()}
        title="Your push hook token"
        size="lg"
        centered
      >
        {create.data && (
          <Stack>
            <Alert color="orange" icon={<IconAlertTriangle />} title="Copy it now">
              This is the only time the whole token is shown. Wheelhouse keeps only a hash; if you lose it, rotate it.
              {create.data.rotated ? " The previous token no longer works." : ""}
            </Alert>
            <CopyField label="Hook token" value={create.data.token} testId="push-hook-new-token" />
            <CopyField
              label="Registry notifications block"
              value={notificationsSnippet(create.data.url, create.data.token)}
              testId="push-hook-snippet"
            />
            <Group justify="flex-end">
              <Button onClick={() => create.reset()}>I have copied it</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
