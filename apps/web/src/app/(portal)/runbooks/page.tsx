"use client";
import { Text } from "@mantine/core";
import { IconChecklist } from "@tabler/icons-react";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

export default function RunbooksPage() {
  return (
    <>
      <PageHeader title="Runbooks" />
      <EmptyState icon={IconChecklist} title="No runbooks yet">
        Runbooks are checklists for incidents; their diagnostic steps run by themselves on the right host. The built-in
        library and your own runbooks will be listed here.
        <Text component="span" display="block" mt="xs" fz="sm" c="dimmed">
          The built-in runbook library arrives with incidents.
        </Text>
      </EmptyState>
    </>
  );
}
