"use client";
// Secrets on the Settings tab: existing ones by name only (their values never come back), each
// replaceable or removable; new ones as masked rows.
import { Badge, Button, Group, Input, PasswordInput, Stack, Text } from "@mantine/core";
import { EnvEditor } from "./env-editor";
import type { EnvRow } from "./env-rows";

/** What happens to an existing secret on save: kept as is, given a new value, or deleted. */
export type SecretChange = { kind: "replace"; value: string } | { kind: "remove" };

export function SecretsManager({
  existing,
  changes,
  onChanges,
  added,
  onAdded,
  addedErrors,
  onBlur,
}: {
  existing: string[];
  changes: Record<string, SecretChange>;
  onChanges: (changes: Record<string, SecretChange>) => void;
  added: EnvRow[];
  onAdded: (rows: EnvRow[]) => void;
  addedErrors: Record<string, string>;
  onBlur: () => void;
}) {
  const set = (key: string, change: SecretChange | null) => {
    const next = { ...changes };
    if (change) next[key] = change;
    else delete next[key];
    onChanges(next);
  };
  return (
    <Input.Wrapper
      label="Secrets"
      description="Stored encrypted, never shown again: only their names are listed. Passed to the app as environment variables."
      labelElement="div"
    >
      <Stack gap="xs" mt="xs">
        {existing.map((key) => {
          const change = changes[key];
          return (
            <Group key={key} gap="xs" wrap="nowrap" align="center" data-testid={`secret-${key}`}>
              <Text
                ff="monospace"
                fz="sm"
                style={{ flex: 2 }}
                td={change?.kind === "remove" ? "line-through" : undefined}
              >
                {key}
              </Text>
              <div style={{ flex: 3 }}>
                {change?.kind === "replace" ? (
                  <PasswordInput
                    aria-label={`New value for ${key}`}
                    placeholder="new value"
                    value={change.value}
                    onChange={(e) => set(key, { kind: "replace", value: e.currentTarget.value })}
                    autoComplete="new-password"
                    data-autofocus
                  />
                ) : change?.kind === "remove" ? (
                  <Badge color="red" variant="light">
                    removed on save
                  </Badge>
                ) : (
                  <Text fz="sm" c="dimmed">
                    ••••••••
                  </Text>
                )}
              </div>
              {change ? (
                <Button
                  size="xs"
                  variant="subtle"
                  color="gray"
                  onClick={() => set(key, null)}
                  aria-label={`Keep ${key}`}
                >
                  Keep
                </Button>
              ) : (
                <Group gap={4} wrap="nowrap">
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => set(key, { kind: "replace", value: "" })}
                    aria-label={`Replace ${key}`}
                  >
                    Replace
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => set(key, { kind: "remove" })}
                    aria-label={`Remove ${key}`}
                  >
                    Remove
                  </Button>
                </Group>
              )}
            </Group>
          );
        })}
        {existing.length === 0 && added.length === 0 && (
          <Text fz="sm" c="dimmed">
            No secrets.
          </Text>
        )}
        <EnvEditor kind="secret" rows={added} onChange={onAdded} errors={addedErrors} onBlur={onBlur} />
      </Stack>
    </Input.Wrapper>
  );
}
