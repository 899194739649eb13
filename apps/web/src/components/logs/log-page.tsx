"use client";
// The frame of every log page: a way back, a title, and the viewer.
import { Anchor, Text } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import type { LogTarget } from "@wheelhouse/shared";
import Link from "next/link";
import { useCan } from "../../client/session";
import { PageHeader } from "../page-header";
import { LogViewer } from "./log-viewer";

export function LogPage({
  back,
  title,
  description,
  target,
}: {
  back: { href: string; label: string };
  title: string;
  description: string;
  target: LogTarget;
}) {
  const mayRead = useCan("logs.read");
  return (
    <>
      <Anchor
        component={Link}
        href={back.href}
        fz="sm"
        mb="xs"
        display="inline-flex"
        style={{ alignItems: "center", gap: 4 }}
      >
        <IconArrowLeft size={14} /> {back.label}
      </Anchor>
      <PageHeader title={title} description={description} />
      {mayRead ? (
        <LogViewer target={target} />
      ) : (
        <Text c="dimmed">
          Reading logs needs the operator role or above: logs may hold data a viewer should not see.
        </Text>
      )}
    </>
  );
}
