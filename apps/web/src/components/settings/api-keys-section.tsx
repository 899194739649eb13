"use client";
// Settings → API keys: the person's own keys (name, prefix, created, last used), create and revoke.
import { Alert, Badge, Button, Code, Group, Paper, Table, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconKey } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../client/errors";
import { useCurrentUser } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { CreateApiKeyModal } from "./create-api-key-modal";

export function ApiKeysSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [creating, { open, close }] = useDisclosure(false);
  const keys = useQuery(trpc.account.apiKeys.queryOptions());
  const revoke = useMutation(
    trpc.account.revokeApiKey.mutationOptions({
      onSuccess: () => {
        notifications.show({
          color: "teal",
          title: "API key revoked",
          message: "Anything still using it is refused from now on.",
        });
        return queryClient.invalidateQueries({ queryKey: trpc.account.apiKeys.queryKey() });
      },
      onError: (error) => notifications.show({ color: "red", title: "Not revoked", message: errorMessage(error) }),
    }),
  );
  const rows = keys.data?.apiKeys ?? [];
  const confirmRevoke = (key: (typeof rows)[number]) =>
    modals.openConfirmModal({
      title: `Revoke ${key.name}?`,
      children: (
        <Text fz="sm">
          Scripts and CLIs using the key starting <Code>{key.prefix}</Code> stop working at once. This cannot be undone.
        </Text>
      ),
      labels: { confirm: "Revoke key", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => revoke.mutate({ id: key.id }),
    });

  const { team } = useCurrentUser();
  return (
    <section aria-labelledby="api-keys-heading">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={2} fz="h3" id="api-keys-heading">
            API keys
          </Title>
          <Text fz="sm" c="dimmed">
            Keys act as you, with your role, in {team.name} only, for the <Code>wheelhouse</Code> CLI and the REST API.
            Keys for another of your teams are made and listed while working in that team.
          </Text>
        </div>
        <Button leftSection={<IconKey size={16} />} onClick={open}>
          Create key
        </Button>
      </Group>
      {keys.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="sm">
          {errorMessage(keys.error)}
        </Alert>
      )}
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((key) => (
                <Table.Tr key={key.id} data-testid={`api-key-${key.name}`}>
                  <Table.Td fw={500}>{key.name}</Table.Td>
                  <Table.Td>
                    <Code>{key.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime value={key.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {key.lastUsedAt ? (
                      <RelativeTime value={key.lastUsedAt} />
                    ) : (
                      <Badge variant="light" color="gray">
                        never
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => confirmRevoke(key)}
                        aria-label={`Revoke ${key.name}`}
                      >
                        Revoke
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {!keys.isPending && rows.length === 0 && (
          <Text c="dimmed" fz="sm" p="md">
            No API keys yet. Create one to use the CLI: <Code>wheelhouse login --url … --token …</Code>
          </Text>
        )}
      </Paper>
      <CreateApiKeyModal opened={creating} onClose={close} />
    </section>
  );
}
