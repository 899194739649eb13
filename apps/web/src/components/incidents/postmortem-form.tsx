"use client";
// The postmortem: what happened, its impact, an excerpt of the timeline (copied from it, then
// edited), and action items with owners. Viewers read it; operators edit and save it.
import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconClipboardCopy, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type IncidentDetail, type Postmortem, postmortemSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { timelineText } from "./timeline-text";

type ActionItem = Postmortem["actionItems"][number];

function PostmortemReadOnly({ postmortem }: { postmortem: Postmortem }) {
  const empty =
    !postmortem.summary && !postmortem.impact && !postmortem.timelineExcerpt && postmortem.actionItems.length === 0;
  if (empty)
    return (
      <Text fz="sm" c="dimmed">
        No postmortem written yet. The lead or an operator writes it once the incident is resolved.
      </Text>
    );
  const part = (label: string, text: string) =>
    text && (
      <Stack gap={2}>
        <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <Text fz="sm" style={{ whiteSpace: "pre-wrap" }}>
          {text}
        </Text>
      </Stack>
    );
  return (
    <Stack gap="sm">
      {part("Summary", postmortem.summary)}
      {part("Impact", postmortem.impact)}
      {part("Timeline", postmortem.timelineExcerpt)}
      {postmortem.actionItems.length > 0 && (
        <Stack gap={2}>
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
            Action items
          </Text>
          {postmortem.actionItems.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: items have no id and this list never reorders
            <Text key={index} fz="sm" td={item.done ? "line-through" : undefined}>
              {item.text}
              {item.owner ? ` — ${item.owner}` : ""}
              {item.done ? " (done)" : ""}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

export function PostmortemForm({ incident }: { incident: IncidentDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayEdit = useCan("incidents.manage");
  const [draft, setDraft] = useState<Postmortem>(incident.postmortem);
  const save = useMutation(
    trpc.incidents.savePostmortem.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: "teal", title: "Postmortem saved", message: "It is on the timeline." });
        await queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() });
      },
    }),
  );
  const check = postmortemSchema.safeParse(draft);
  const setItem = (index: number, change: Partial<ActionItem>) =>
    setDraft((current) => ({
      ...current,
      actionItems: current.actionItems.map((item, i) => (i === index ? { ...item, ...change } : item)),
    }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check.success) save.mutate({ id: incident.id, postmortem: check.data });
  };

  return (
    <section aria-labelledby="postmortem-heading">
      <Title order={2} fz="h4" mb="sm" id="postmortem-heading">
        Postmortem
      </Title>
      <Paper withBorder radius="lg" p="md">
        {!mayEdit ? (
          <PostmortemReadOnly postmortem={incident.postmortem} />
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack>
              {save.error && (
                <Alert color="red" role="alert">
                  {errorMessage(save.error)}
                </Alert>
              )}
              <Textarea
                label="Summary"
                description="What happened and why, in a few sentences."
                autosize
                minRows={3}
                value={draft.summary}
                onChange={(event) => setDraft({ ...draft, summary: event.currentTarget.value })}
              />
              <Textarea
                label="Impact"
                description="Who noticed what, for how long."
                autosize
                minRows={2}
                value={draft.impact}
                onChange={(event) => setDraft({ ...draft, impact: event.currentTarget.value })}
              />
              <Stack gap={4}>
                <Textarea
                  label="Timeline excerpt"
                  description="The moments that mattered; copy the timeline, then keep what tells the story."
                  autosize
                  minRows={3}
                  maxRows={16}
                  styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 13 } }}
                  value={draft.timelineExcerpt}
                  onChange={(event) => setDraft({ ...draft, timelineExcerpt: event.currentTarget.value })}
                />
                <Group>
                  <Button
                    size="xs"
                    variant="default"
                    leftSection={<IconClipboardCopy size={14} />}
                    onClick={() => setDraft({ ...draft, timelineExcerpt: timelineText(incident.timeline) })}
                  >
                    Copy from timeline
                  </Button>
                </Group>
              </Stack>
              <Stack gap="xs">
                <Text fz="sm" fw={500}>
                  Action items
                </Text>
                {draft.actionItems.map((item, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: items have no id; rows are only added and removed at the end or by their button
                  <Group key={index} gap="xs" wrap="nowrap" align="flex-end">
                    <Checkbox
                      mb={8}
                      checked={item.done}
                      onChange={(event) => setItem(index, { done: event.currentTarget.checked })}
                      aria-label={`Action item ${index + 1} done`}
                    />
                    <TextInput
                      style={{ flex: 1 }}
                      aria-label={`Action item ${index + 1}`}
                      placeholder="What to change so it does not happen again"
                      value={item.text}
                      error={item.text.trim() === "" ? "Write the item, or remove it." : undefined}
                      onChange={(event) => setItem(index, { text: event.currentTarget.value })}
                    />
                    <TextInput
                      w={220}
                      aria-label={`Owner of action item ${index + 1}`}
                      placeholder="Owner"
                      value={item.owner}
                      onChange={(event) => setItem(index, { owner: event.currentTarget.value })}
                    />
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      mb={4}
                      aria-label={`Remove action item ${index + 1}`}
                      onClick={() =>
                        setDraft({ ...draft, actionItems: draft.actionItems.filter((_, i) => i !== index) })
                      }
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                ))}
                <Group>
                  <Button
                    size="xs"
                    variant="subtle"
                    leftSection={<IconPlus size={14} />}
                    onClick={() =>
                      setDraft({ ...draft, actionItems: [...draft.actionItems, { text: "", owner: "", done: false }] })
                    }
                  >
                    Add action item
                  </Button>
                </Group>
              </Stack>
              <Group justify="flex-end">
                <Button type="submit" disabled={!check.success} loading={save.isPending}>
                  Save postmortem
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Paper>
    </section>
  );
}
