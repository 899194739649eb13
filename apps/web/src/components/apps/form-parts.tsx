import { Fieldset, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** Monospace for what a person types as code (names, images, paths), not for the field's label. */
export const MONO_INPUT = { input: { fontFamily: "var(--mantine-font-family-monospace)" } } as const;

/** A titled group of fields; the legend names the group for screen readers too. */
export function FormSection({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <Fieldset
      variant="unstyled"
      legend={
        <Text component="span" fw={650} fz="md">
          {legend}
        </Text>
      }
      styles={{ legend: { marginBottom: "var(--mantine-spacing-xs)" } }}
      pt="md"
      style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}
    >
      {children}
    </Fieldset>
  );
}
