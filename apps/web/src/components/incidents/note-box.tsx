"use client";
// A note on the timeline: what someone saw, tried or decided.
import { Button, Group, Stack, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { incidentNoteInputSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

export function NoteBox({ incidentId }: { incidentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const add = useMutation(
    trpc.incidents.addNote.mutationOptions({
      onSuccess: async () => {
        setText("");
        await queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() });
      },
      onError: (error) => notifications.show({ color: "red", title: "Note not added", message: errorMessage(error) }),
    }),
  );
  const check = incidentNoteInputSchema.safeParse({ id: incidentId, text });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check.success) add.mutate(check.data);
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="xs">
        <Textarea
          label="Add a note"
          placeholder="What you saw, tried or decided"
          autosize
          minRows={2}
          maxRows={8}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          error={text.length > 10_000 ? "A note is at most 10,000 characters." : undefined}
        />
        <Group justify="flex-end">
          <Button type="submit" variant="light" disabled={!check.success} loading={add.isPending}>
            Add note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
