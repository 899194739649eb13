"use client";
// Add host: name it, get the one line to run on the host (and the other ways), watch it come Online.
import { Alert, Button, Divider, Group, Loader, Modal, Stack, Text, TextInput } from "@mantine/core";
import { IconAlertCircle, IconCheck } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { agentContainerCommand, agentEnrollCommand, agentInstallCommand } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { CommandBlock } from "./command-block";
import { portalAddress } from "./portal-address";

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

  const created = create.data;
  const portalUrl = created ? portalAddress(created.portal.publicUrl) : "";
  return (
    <Modal opened={opened} onClose={close} title="Add a host" size="lg" centered>
      {!created ? (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text fz="sm" c="dimmed">
              Name the Docker host. You get one line to run on it: it installs the agent, which enrols with a single-use
              token and then keeps a connection open to this portal. The host needs no inbound port.
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
            Run this on <b>{create.variables?.name}</b> as root. It checks for Node.js and Docker, installs the agent,
            enrols it and starts it. The token works once and expires <RelativeTime value={created.expiresAt} />.
          </Text>
          <CommandBlock
            command={agentInstallCommand(portalUrl, created.token)}
            label="the install command"
            testId="install-command"
            primary
          />
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
          <Divider label="Other ways" labelPosition="left" mt="xs" />
          <Text fz="xs" c="dimmed">
            They use the same single-use token as the line above: run only one of these three ways.
          </Text>
          <Text fz="sm" fw={600}>
            As a container
          </Text>
          <Text fz="xs" c="dimmed">
            With the image built from <code>docker/agent.Dockerfile</code>: enrol once into a volume, then run it.
          </Text>
          <CommandBlock
            command={agentContainerCommand(portalUrl, created.token)}
            label="the container commands"
            testId="container-command"
          />
          <Text fz="sm" fw={600}>
            By hand
          </Text>
          <Text fz="xs" c="dimmed">
            Where <code>wheelhouse-agent</code> is already installed, as the user the agent should run as (root to
            manage Docker).
          </Text>
          <CommandBlock
            command={agentEnrollCommand(portalUrl, created.token)}
            label="the manual enrol command"
            testId="enroll-command"
          />
          <Group justify="flex-end">
            <Button onClick={close}>{enrolled ? "Done" : "Close"}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
