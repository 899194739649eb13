"use client";
import { Text } from "@mantine/core";
import { IconShieldCheck } from "@tabler/icons-react";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

export default function ApprovalsPage() {
  return (
    <>
      <PageHeader title="Approvals" />
      <EmptyState icon={IconShieldCheck} title="Nothing waiting for approval">
        Actions that need a second person, such as rolling back production, wait here until an approver reviews them.
        <Text component="span" display="block" mt="xs" fz="sm" c="dimmed">
          Requests you can review will appear here.
        </Text>
      </EmptyState>
    </>
  );
}
