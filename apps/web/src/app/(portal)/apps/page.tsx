"use client";
import { Text } from "@mantine/core";
import { IconApps } from "@tabler/icons-react";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

export default function AppsPage() {
  return (
    <>
      <PageHeader title="Apps" />
      <EmptyState icon={IconApps} title="No apps yet">
        An app is a service your team runs: its image, domains, environment and the hosts it runs on. Its releases,
        deployments and live logs will appear here.
        <Text component="span" display="block" mt="xs" fz="sm" c="dimmed">
          Deploying apps arrives with the next release of Wheelhouse.
        </Text>
      </EmptyState>
    </>
  );
}
