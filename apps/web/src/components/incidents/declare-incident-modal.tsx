"use client";
// Declare an incident by hand: a title, how bad it is (each severity explained), what it is about
// (an app, or a host) and who leads. Opens the incident's page once it exists.
import { Alert, Button, Group, Modal, Radio, Select, Stack, Textarea, TextInput } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { openIncidentInputSchema, SEVERITIES, SEVERITY_DESCRIPTIONS, type Severity } from "@wheelhouse/shared";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCurrentUser } from "../../client/session";
import { useTRPC } from "../../client/trpc";

export function DeclareIncidentModal({
  opened,
  onClose,
  app: fixedApp,
}: {
  opened: boolean;
  onClose: () => void;
  /** Declared from an app's page: the app is chosen already. */
  app?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  const apps = useQuery(trpc.apps.list.queryOptions(undefined, { enabled: opened }));
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { enabled: opened }));
  const members = useQuery(trpc.users.list.queryOptions(undefined, { enabled: opened }));
  const [title, setTitle] = useState("");
  const [severity, setSeverity] = useState<Severity>("SEV3");
  const [app, setApp] = useState<string | null>(fixedApp ?? null);
  const [hostId, setHostId] = useState<string | null>(null);
  const [leadId, setLeadId] = useState<string | null>(me.id);
  const [summary, setSummary] = useState("");
  const [touched, setTouched] = useState(false);
  const open = useMutation(
    trpc.incidents.open.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() });
        router.push(`/incidents/${encodeURIComponent(result.incident.id)}`);
      },
    }),
  );
  const input = {
    title,
    severity,
    app: app ?? undefined,
    hostId: hostId ?? undefined,
    leadId: leadId ?? undefined,
    summary: summary.trim() || undefined,
  };
  const check = openIncidentInputSchema.safeParse(input);
  const titleError =
    touched && !check.success ? check.error.issues.find((issue) => issue.path[0] === "title")?.message : undefined;
  const close = () => {
    open.reset();
    setTitle("");
    setSummary("");
    setTouched(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (check.success) open.mutate(check.data);
  };
  return (
    <Modal opened={opened} onClose={close} title="Declare an incident" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {open.error && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert">
              {errorMessage(open.error)}
            </Alert>
          )}
          <TextInput
            label="Title"
            description="What people notice, in a few words: “Checkout returns 502”."
            required
            value={title}
            error={titleError}
            onChange={(event) => setTitle(event.currentTarget.value)}
            onBlur={() => setTouched(true)}
            data-autofocus
          />
          <Radio.Group label="Severity" value={severity} onChange={(value) => setSeverity(value as Severity)} required>
            <Stack gap="xs" mt={6}>
              {SEVERITIES.map((level) => (
                <Radio key={level} value={level} label={level} description={SEVERITY_DESCRIPTIONS[level]} />
              ))}
            </Stack>
          </Radio.Group>
          <Group grow align="flex-start">
            <Select
              label="App"
              placeholder="None"
              clearable
              searchable
              disabled={fixedApp !== undefined}
              data={(apps.data?.apps ?? []).map((a) => a.name)}
              value={app}
              onChange={setApp}
            />
            <Select
              label="Host"
              placeholder="None"
              clearable
              data={(hosts.data?.hosts ?? []).map((h) => ({ value: h.id, label: h.name }))}
              value={hostId}
              onChange={setHostId}
            />
          </Group>
          <Select
            label="Lead"
            description="Who coordinates; you unless you pick someone else."
            clearable
            searchable
            data={(members.data ?? [])
              .filter((member) => !member.disabled)
              .map((member) => ({ value: member.id, label: `${member.name} (${member.email})` }))}
            value={leadId}
            onChange={setLeadId}
          />
          <Textarea
            label="What is known so far"
            description="Optional; it starts the timeline."
            autosize
            minRows={2}
            maxRows={6}
            value={summary}
            onChange={(event) => setSummary(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={open.isPending}>
              Declare incident
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
