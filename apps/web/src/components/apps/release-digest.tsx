"use client";
// A release's digest as people compare it: the "sha256:" part, shortened, with the full reference
// (registry and repository included, as the release records it) on hover.
import { type MantineFontSize, Text, Tooltip } from "@mantine/core";
import { shortDigest } from "@wheelhouse/shared";

export function ReleaseDigest({ value, fz = "xs" }: { value: string; fz?: MantineFontSize }) {
  return (
    <Tooltip label={value} withArrow multiline maw={420} style={{ overflowWrap: "anywhere" }}>
      <Text span fz={fz} ff="monospace" data-digest={value} style={{ whiteSpace: "nowrap" }}>
        {shortDigest(value)}
      </Text>
    </Tooltip>
  );
}
