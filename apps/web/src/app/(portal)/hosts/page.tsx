"use client";
import { Text } from "@mantine/core";
import { IconServer2 } from "@tabler/icons-react";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

export default function HostsPage() {
  return (
    <>
      <PageHeader title="Hosts" />
      <EmptyState icon={IconServer2} title="No hosts enrolled">
        Each Docker host running the Wheelhouse agent appears here with its status, facts and containers.
        <Text component="span" display="block" mt="xs" fz="sm" c="dimmed">
          Enrolling hosts arrives with the agents feature.
        </Text>
      </EmptyState>
    </>
  );
}
