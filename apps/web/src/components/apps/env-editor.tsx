"use client";
// Key/value rows for environment variables or secrets. Secret values are masked as they are typed.
import { ActionIcon, Button, Group, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { type EnvRow, newEnvRow } from "./env-rows";
import { MONO_INPUT } from "./form-parts";

export function EnvEditor({
  kind,
  rows,
  onChange,
  errors = {},
  onBlur,
}: {
  kind: "variable" | "secret";
  rows: EnvRow[];
  onChange: (rows: EnvRow[]) => void;
  /** Shown under the row, by row id. */
  errors?: Record<string, string>;
  onBlur?: () => void;
}) {
  const noun = kind === "secret" ? "Secret" : "Variable";
  const update = (id: string, patch: Partial<EnvRow>) =>
    onChange(rows.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  const ValueInput = kind === "secret" ? PasswordInput : TextInput;
  return (
    <Stack gap="xs">
      {rows.map((row, index) => (
        <Stack key={row.id} gap={2}>
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              aria-label={`${noun} name ${index + 1}`}
              placeholder="NAME"
              styles={MONO_INPUT}
              value={row.key}
              error={Boolean(errors[row.id])}
              onChange={(e) => update(row.id, { key: e.currentTarget.value })}
              onBlur={onBlur}
              style={{ flex: 2 }}
              autoComplete="off"
              spellCheck={false}
            />
            <ValueInput
              aria-label={`${noun} value ${index + 1}`}
              placeholder={kind === "secret" ? "secret value" : "value"}
              value={row.value}
              onChange={(e) => update(row.id, { value: e.currentTarget.value })}
              onBlur={onBlur}
              style={{ flex: 3 }}
              autoComplete={kind === "secret" ? "new-password" : "off"}
              spellCheck={false}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              mt={1}
              aria-label={`Remove ${noun.toLowerCase()} ${row.key || index + 1}`}
              onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
          {errors[row.id] && (
            <Text fz="xs" c="red" role="alert">
              {errors[row.id]}
            </Text>
          )}
        </Stack>
      ))}
      <Button
        variant="subtle"
        size="xs"
        w="fit-content"
        leftSection={<IconPlus size={14} />}
        onClick={() => onChange([...rows, newEnvRow()])}
      >
        Add {noun.toLowerCase()}
      </Button>
    </Stack>
  );
}
