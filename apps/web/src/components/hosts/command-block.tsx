"use client";
// A line to paste into a host's shell, with a copy button: the install, enrol and upgrade lines.
import { Button, Code, CopyButton, Stack } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";

export function CommandBlock({
  command,
  label,
  testId,
  primary = false,
}: {
  command: string;
  /** What the line does, for the copy button's accessible name ("Copy the install command"). */
  label: string;
  testId?: string;
  /** The line to run: a filled copy button; the other ways get a lighter one. */
  primary?: boolean;
}) {
  return (
    <Stack gap={6}>
      <Code block data-testid={testId} style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {command}
      </Code>
      <CopyButton value={command}>
        {({ copied, copy }) => (
          <Button
            size={primary ? "sm" : "xs"}
            variant={primary ? "filled" : "default"}
            leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            onClick={copy}
            w="fit-content"
            aria-label={`Copy ${label}`}
          >
            {copied ? "Copied" : "Copy"}
          </Button>
        )}
      </CopyButton>
    </Stack>
  );
}
