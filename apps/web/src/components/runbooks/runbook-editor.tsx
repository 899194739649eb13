"use client";
// The YAML editor of a team runbook: checked as you type by runbooks.validate (the portal's parser,
// the same as the CLI's), each error as "line N: reason"; Save stores a new version.
import { Alert, Button, Group, List, Stack, Text, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertCircle, IconCircleCheck } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { RUNBOOK_MAX_BYTES } from "@wheelhouse/shared";
import { useEffect, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

export function RunbookEditor({
  initialSource,
  onSaved,
  onCancel,
}: {
  initialSource: string;
  onSaved: (saved: { slug: string; version: number }) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [source, setSource] = useState(initialSource);
  const [debounced] = useDebouncedValue(source, 400);
  const validate = useMutation(trpc.runbooks.validate.mutationOptions());
  const save = useMutation(trpc.runbooks.save.mutationOptions({ onSuccess: (result) => onSaved(result) }));
  const tooLarge = new TextEncoder().encode(source).length > RUNBOOK_MAX_BYTES;

  // biome-ignore lint/correctness/useExhaustiveDependencies: validates each settled text once; the mutation object changes every render
  useEffect(() => {
    if (debounced.trim() !== "" && !tooLarge) validate.mutate({ source: debounced });
  }, [debounced]);

  const result = validate.data;
  const current = debounced === source && result !== undefined;
  return (
    <Stack gap="sm">
      <Textarea
        label="Runbook (YAML)"
        description="id, version, title, summary, sources, symptoms, attach rules and steps. Saving stores a new version; incidents keep the version they started with."
        autosize
        minRows={18}
        maxRows={40}
        spellCheck={false}
        value={source}
        onChange={(event) => setSource(event.currentTarget.value)}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 13 } }}
        error={tooLarge ? `A runbook is at most ${RUNBOOK_MAX_BYTES / 1024} KiB.` : undefined}
      />
      <div aria-live="polite" data-testid="runbook-validation">
        {validate.error && (
          <Alert color="red" icon={<IconAlertCircle />}>
            {errorMessage(validate.error)}
          </Alert>
        )}
        {result && !result.ok && (
          <Alert color="red" icon={<IconAlertCircle />} title="Not valid yet">
            <List size="sm" spacing={2}>
              {result.errors.map((error) => (
                <List.Item key={`${error.line}:${error.message}`} ff="monospace">
                  {error.line > 0 ? `line ${error.line}: ` : ""}
                  {error.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {result?.ok && (
          <Group gap={6}>
            <IconCircleCheck size={16} color="var(--mantine-color-teal-text)" aria-hidden />
            <Text fz="sm">Valid{current ? "" : " (checking your latest change…)"}</Text>
          </Group>
        )}
      </div>
      {save.error && (
        <Alert color="red" icon={<IconAlertCircle />} role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          disabled={!current || !result?.ok || tooLarge}
          loading={save.isPending}
          onClick={() => save.mutate({ source })}
        >
          Save new version
        </Button>
      </Group>
    </Stack>
  );
}
