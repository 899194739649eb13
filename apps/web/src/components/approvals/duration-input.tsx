"use client";
// A duration as people say it (30 minutes, 24 hours, 7 days), held in seconds as the policy stores it.
import { Group, NumberInput, Select, Stack, Text } from "@mantine/core";
import { useId, useState } from "react";

const UNITS = [
  { value: "60", label: "minutes" },
  { value: "3600", label: "hours" },
  { value: "86400", label: "days" },
] as const;

/** The largest unit that divides it, so an existing value is shown without rounding. */
function unitFor(seconds: number): number {
  for (const size of [86_400, 3_600, 60]) if (seconds > 0 && seconds % size === 0) return size;
  return 60;
}

export function DurationInput({
  label,
  seconds,
  error,
  onChange,
}: {
  /** The accessible name of the number; the unit is named "<label> unit". */
  label: string;
  seconds: number;
  error?: string;
  onChange: (seconds: number) => void;
}) {
  // The unit is the person's choice while they type (60 minutes stays minutes, not "1 hour").
  const [unit, setUnit] = useState(() => unitFor(seconds));
  const count = seconds / unit;
  const errorId = useId();
  return (
    <Stack gap={2}>
      <Group gap={4} wrap="nowrap" align="flex-start">
        <NumberInput
          aria-label={label}
          w={64}
          min={1}
          allowDecimal={false}
          allowNegative={false}
          value={Number.isInteger(count) ? count : ""}
          // The message goes under both fields, not squeezed under the narrow number.
          error={error !== undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(value) => onChange((typeof value === "number" ? value : 0) * unit)}
        />
        <Select
          aria-label={`${label} unit`}
          w={112}
          allowDeselect={false}
          data={UNITS.map((u) => ({ value: u.value, label: u.label }))}
          value={String(unit)}
          onChange={(value) => {
            if (!value) return;
            const next = Number(value);
            setUnit(next);
            onChange(Math.round(count) * next);
          }}
        />
      </Group>
      {error && (
        <Text id={errorId} fz="xs" c="red" maw={200}>
          {error}
        </Text>
      )}
    </Stack>
  );
}
