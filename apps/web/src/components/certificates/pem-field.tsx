"use client";
// One PEM text of the upload dialog: a labelled textarea to paste into, and "Choose file", which
// reads a file in the browser (file.text()) into it. Nothing is sent until the form is.
import { Button, FileButton, Group, Stack, Text, Textarea } from "@mantine/core";
import { IconFileUpload } from "@tabler/icons-react";
import { useState } from "react";

/** A file larger than this is not PEM of a certificate or key: refused before it is read. */
const FILE_MAX_BYTES = 64_000;

export function PemField({
  label,
  what,
  description,
  placeholder,
  value,
  error,
  required = false,
  onChange,
  testId,
}: {
  label: string;
  /** The text in words ("the private key"), for the file button's name and its messages. */
  what: string;
  description: string;
  placeholder: string;
  value: string;
  error: string | undefined;
  required?: boolean;
  onChange: (value: string) => void;
  testId: string;
}) {
  const [chosen, setChosen] = useState<{ name: string } | { problem: string } | null>(null);
  const choose = async (file: File | null) => {
    if (!file) return;
    if (file.size > FILE_MAX_BYTES) {
      setChosen({ problem: `${file.name} is ${file.size.toLocaleString("en-US")} bytes: a PEM file is far smaller.` });
      return;
    }
    try {
      onChange(await file.text());
      setChosen({ name: file.name });
    } catch (failure) {
      setChosen({ problem: `${file.name} could not be read: ${(failure as Error).message}` });
    }
  };
  return (
    <Stack gap={6}>
      <Textarea
        label={label}
        description={description}
        placeholder={placeholder}
        required={required}
        autosize
        minRows={3}
        maxRows={8}
        spellCheck={false}
        autoComplete="off"
        styles={{
          input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: "var(--mantine-font-size-xs)" },
        }}
        value={value}
        error={error}
        onChange={(event) => {
          setChosen(null);
          onChange(event.currentTarget.value);
        }}
        data-testid={testId}
      />
      <Group gap="xs">
        <FileButton onChange={choose} accept=".pem,.crt,.cer,.key,.txt,application/x-pem-file,text/plain">
          {(props) => (
            <Button
              {...props}
              size="compact-sm"
              variant="default"
              leftSection={<IconFileUpload size={14} aria-hidden />}
              aria-label={`Choose file for ${what}`}
              data-testid={`${testId}-file`}
            >
              Choose file
            </Button>
          )}
        </FileButton>
        {chosen && (
          <Text fz="xs" c={"problem" in chosen ? "red" : "dimmed"} role={"problem" in chosen ? "alert" : undefined}>
            {"problem" in chosen ? chosen.problem : `Read from ${chosen.name}`}
          </Text>
        )}
      </Group>
    </Stack>
  );
}
