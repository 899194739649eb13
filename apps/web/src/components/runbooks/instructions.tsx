"use client";
// A step's instructions drawn from instruction-blocks.ts: React elements only, never raw HTML.
import { Code, List, Stack, Text } from "@mantine/core";
import { type InlinePart, instructionBlocks } from "./instruction-blocks";

function Inline({ parts }: { parts: InlinePart[] }) {
  return (
    <>
      {parts.map((part, index) =>
        part.kind === "code" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one fixed text, never reordered
          <Code key={index}>{part.text}</Code>
        ) : part.kind === "bold" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <b key={index}>{part.text}</b>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

export function Instructions({ text }: { text: string }) {
  const blocks = instructionBlocks(text);
  return (
    <Stack gap={6}>
      {blocks.map((block, index) => {
        const key = `${block.kind}-${index}`;
        if (block.kind === "code")
          return (
            <Code key={key} block>
              {block.text}
            </Code>
          );
        if (block.kind === "list")
          return (
            <List key={key} size="sm" spacing={2}>
              {block.items.map((item, itemIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: items of one fixed text, never reordered
                <List.Item key={itemIndex}>
                  <Inline parts={item} />
                </List.Item>
              ))}
            </List>
          );
        return (
          <Text key={key} fz="sm">
            <Inline parts={block.parts} />
          </Text>
        );
      })}
    </Stack>
  );
}
