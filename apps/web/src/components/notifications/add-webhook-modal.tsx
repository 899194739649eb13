"use client";
// Add a webhook: name, URL, format and events; then its signing secret, shown this once, with how a
// receiver checks it. The same schema the portal applies checks the form before it is sent.
import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { IconAlertCircle, IconAlertTriangle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  NOTIFICATION_EVENT_LABELS,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type WebhookFormat,
  webhookCreateInputSchema,
} from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { CopyField } from "../settings/create-api-key-modal";

/** Send test is its own button: a webhook need not subscribe to it. */
const CHOOSABLE = NOTIFICATION_EVENTS.filter((event) => event !== "webhook.test");
const DEFAULT_EVENTS: NotificationEvent[] = [
  "incident.opened",
  "incident.resolved",
  "approval.requested",
  "approval.decided",
  "approval.break-glass",
  "deployment.failed",
];
const EMPTY = { name: "", url: "", format: "generic" as WebhookFormat, events: DEFAULT_EVENTS };

export function AddWebhookModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      // No toast: the dialog itself turns into "Webhook added" with the secret to copy.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() }),
    }),
  );
  const close = () => {
    setForm(EMPTY);
    setSubmitted(false);
    create.reset();
    onClose();
  };
  const check = webhookCreateInputSchema.safeParse(form);
  const errors: Partial<Record<"name" | "url" | "events", string>> = {};
  if (!check.success) {
    for (const issue of check.error.issues) {
      const field = issue.path[0];
      if ((field === "name" || field === "url" || field === "events") && !errors[field]) errors[field] = issue.message;
    }
  }
  const shown = (field: keyof typeof errors) => (submitted ? errors[field] : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (check.success) create.mutate(check.data);
  };
  const created = create.data;

  return (
    <Modal opened={opened} onClose={close} title={created ? "Webhook added" : "Add a webhook"} centered size="lg">
      {created ? (
        <Stack>
          <Alert color="orange" icon={<IconAlertTriangle />}>
            This is the only time the signing secret is shown. Store it where your receiver reads it.
          </Alert>
          <CopyField label="Signing secret" value={created.secret} testId="webhook-secret" />
          <Text fz="sm">
            Every delivery carries <Code>Wheelhouse-Timestamp</Code> and <Code>Wheelhouse-Signature</Code>: the
            signature is <Code>v1=</Code> and the hex HMAC-SHA256 of the timestamp, a dot and the raw body, keyed with
            this secret. Compute it and compare before trusting a delivery, and drop repeats by{" "}
            <Code>Wheelhouse-Delivery</Code>. Snippets for Node.js and openssl: <Code>docs/webhooks.md</Code>.
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {create.error && (
              <Alert color="red" icon={<IconAlertCircle />} role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <TextInput
              label="Name"
              placeholder="Ops channel"
              required
              value={form.name}
              error={shown("name")}
              onChange={(event) => setForm({ ...form, name: event.currentTarget.value })}
              data-autofocus
            />
            <TextInput
              label="URL"
              description="Where Wheelhouse POSTs each notification. Only its origin is shown after saving: a Slack URL's path is its key."
              placeholder="https://hooks.slack.com/services/…"
              required
              autoComplete="off"
              spellCheck={false}
              value={form.url}
              error={shown("url")}
              onChange={(event) => setForm({ ...form, url: event.currentTarget.value })}
            />
            <Stack gap={4}>
              <Text fz="sm" fw={500} id="webhook-format-label">
                Format
              </Text>
              <SegmentedControl
                aria-labelledby="webhook-format-label"
                value={form.format}
                onChange={(value) => setForm({ ...form, format: value as WebhookFormat })}
                data={[
                  { value: "generic", label: "Generic JSON" },
                  { value: "slack", label: "Slack (incoming webhook)" },
                ]}
              />
              <Text fz="xs" c="dimmed">
                {form.format === "slack"
                  ? 'A Slack-compatible body, { "text": … }: one sentence with a link to the portal.'
                  : "The JSON envelope: id, type, time, team, summary, link and the event's data."}
              </Text>
            </Stack>
            <Checkbox.Group
              label="Events"
              description="What this webhook is told about."
              value={form.events}
              onChange={(value) => setForm({ ...form, events: value as NotificationEvent[] })}
              error={shown("events")}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
                {CHOOSABLE.map((event) => (
                  <Checkbox
                    key={event}
                    value={event}
                    label={NOTIFICATION_EVENT_LABELS[event]}
                    description={<Code fz="xs">{event}</Code>}
                  />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Add webhook
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
