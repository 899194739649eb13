"use client";
// Add host: name it, get a single-use command to run on the host, watch it come Online.
import { Alert, Button, Code, CopyButton, Group, Loader, Modal, Stack, Text, TextInput } from "@mantine/core";
import { IconAlertCircle, IconCheck, IconCopy } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";

export function AddHostModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.hosts.createEnrollment.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.hosts.pathKey() }),
    }),
  );
  const hosts = useQuery(
    trpc.hosts.list.queryOptions(undefined, { enabled: opened && create.isSuccess, refetchInterval: 2_000 }),
  );
  const enrolled = create.isSuccess
    ? hosts.data?.hosts.find((h) => h.name === create.variables?.name && h.status === "online")
    : undefined;
  const fieldError = (create.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors
    ?.name?.[0];

  const close = () => {
    create.reset();
    setName("");
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };

  return (
    <Modal opened={opened} onClose={close} title="Add a host" size="lg" centered>
      {!create.data ? (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text fz="sm" c="dimmed">
              Name the Docker host. You get a command to run on it: the agent enrols with a single-use token and then
              keeps a connection open to this portal. The host needs no inbound port.
            </Text>
            {create.error && !fieldError && (
              <Alert color="red" icon={<IconAlertCircle />} role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <TextInput
              label="Host name"
              placeholder="web-1"
              required
              value={name}
              error={fieldError}
              onChange={(e) => setName(e.currentTarget.value)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create enrolment command
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack>
          <Text fz="sm">
            Run this on <b>{create.variables?.name}</b> as the user the agent should run as (root to manage Docker). The
            token works once and expires <RelativeTime value={create.data.expiresAt} />.
          </Text>
          <Code block data-testid="enroll-command" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
            {create.data.command}
          </Code>
          <CopyButton value={create.data.command}>
            {({ copied, copy }) => (
              <Button
                variant="light"
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                onClick={copy}
                w="fit-content"
              >
                {copied ? "Copied" : "Copy command"}
              </Button>
            )}
          </CopyButton>
          {enrolled ? (
            <Alert color="teal" icon={<IconCheck />} title={`${enrolled.name} is online`}>
              The agent connected. You can close this window.
            </Alert>
          ) : (
            <Group gap="xs">
              <Loader size="xs" />
              <Text fz="sm" c="dimmed">
                Waiting for the agent to connect…
              </Text>
            </Group>
          )}
          <Group justify="flex-end">
            <Button onClick={close}>{enrolled ? "Done" : "Close"}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
