"use client";
// Create an API key: name it, then see the whole key once, with how to use it from the CLI.
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { IconAlertCircle, IconAlertTriangle, IconCheck, IconCopy } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiKeyNameSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

export function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={4}>
      <Text fz="sm" fw={500}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="stretch">
        <Code block data-testid={testId} style={{ flex: 1, wordBreak: "break-all", whiteSpace: "pre-wrap" }}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              variant="light"
              color={copied ? "teal" : undefined}
              leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              onClick={copy}
              aria-label={`Copy ${label.toLowerCase()}`}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [touched, setTouched] = useState(false);
  const create = useMutation(
    trpc.account.createApiKey.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.account.apiKeys.queryKey() }),
    }),
  );
  const check = apiKeyNameSchema.safeParse(name);
  const nameError = touched && !check.success ? check.error.issues[0]?.message : undefined;
  const close = () => {
    create.reset();
    setName("");
    setTouched(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (check.success) create.mutate({ name: check.data });
  };
  const origin = typeof window === "undefined" ? "" : window.location.origin;

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={create.data ? "Your new API key" : "Create an API key"}
      size="lg"
      centered
    >
      {!create.data ? (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text fz="sm" c="dimmed">
              An API key acts as you, with your role, for the <Code>wheelhouse</Code> CLI and scripts calling the REST
              API. Name it after where it will live.
            </Text>
            {create.error && (
              <Alert color="red" icon={<IconAlertCircle />} role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <TextInput
              label="Key name"
              placeholder="laptop CLI"
              required
              maxLength={80}
              value={name}
              error={nameError}
              onChange={(e) => setName(e.currentTarget.value)}
              onBlur={() => setTouched(true)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack>
          <Alert color="orange" icon={<IconAlertTriangle />} title="Copy it now">
            This is the only time the whole key is shown. Wheelhouse keeps only a hash; if you lose it, revoke it and
            create another.
          </Alert>
          <CopyField label="API key" value={create.data.token} testId="api-key-token" />
          <CopyField
            label="Sign in the CLI"
            value={`wheelhouse login --url ${origin} --token ${create.data.token}`}
            testId="api-key-login-command"
          />
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
