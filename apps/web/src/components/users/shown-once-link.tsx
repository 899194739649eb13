"use client";
import { ActionIcon, CopyButton, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";

/** A single-use link the server answers once: read-only, selectable, with a copy button. */
export function ShownOnceLink({ label, link, note }: { label: string; link: string; note: string }) {
  return (
    <Stack gap="xs">
      <TextInput
        label={label}
        value={link}
        readOnly
        onFocus={(event) => event.currentTarget.select()}
        data-testid="shown-once-link"
        rightSection={
          <CopyButton value={link}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? "Copied" : "Copy the link"}>
                <ActionIcon
                  variant="subtle"
                  color={copied ? "teal" : "gray"}
                  onClick={copy}
                  aria-label={copied ? "Link copied" : "Copy the link"}
                >
                  {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        }
      />
      <Text fz="sm" c="dimmed">
        {note}
      </Text>
    </Stack>
  );
}
