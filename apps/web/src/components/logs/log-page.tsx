"use client";
// The frame of every log page: a way back, a title, and the viewer.
import { Text } from "@mantine/core";
import type { LogTarget } from "@wheelhouse/shared";
import { useCan } from "../../client/session";
import { BackLink } from "../back-link";
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
      <BackLink href={back.href}>{back.label}</BackLink>
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
