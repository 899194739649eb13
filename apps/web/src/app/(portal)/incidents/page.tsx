"use client";
import { Text } from "@mantine/core";
import { IconUrgent } from "@tabler/icons-react";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

export default function IncidentsPage() {
  return (
    <>
      <PageHeader title="Incidents" />
      <EmptyState icon={IconUrgent} title="No incidents">
        Incidents opened by hand or by failing checks appear here, each with its timeline, lead and runbook.
        <Text component="span" display="block" mt="xs" fz="sm" c="dimmed">
          Nothing is on fire.
        </Text>
      </EmptyState>
    </>
  );
}
