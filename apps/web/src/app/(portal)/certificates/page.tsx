"use client";
// Certificates: every domain of the team's apps that has one, where it stands and when it expires.
// The /ui socket's certificates:changed hint refreshes the list (client/use-session-socket.ts); while
// one is being ordered it also polls, so Pending turns Active without a reload.
import { Alert, Button, Code, Skeleton } from "@mantine/core";
import { IconAlertCircle, IconApps, IconCertificate } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage } from "../../../client/errors";
import { useCan } from "../../../client/session";
import { useTRPC } from "../../../client/trpc";
import { CertificatesTable } from "../../../components/certificates/certificates-table";
import { pollWhileOrdering } from "../../../components/certificates/format";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

export default function CertificatesPage() {
  const trpc = useTRPC();
  const mayManage = useCan("certificates.manage");
  const list = useQuery(
    trpc.certificates.list.queryOptions(undefined, {
      refetchInterval: (query) => pollWhileOrdering(query.state.data?.certificates),
    }),
  );
  const certificates = list.data?.certificates ?? [];
  return (
    <>
      <PageHeader
        title="Certificates"
        description="TLS certificates for your apps' domains: ordered from the ACME directory, served by nginx on the app's hosts, and renewed on their own 30 days before they expire."
      />
      {list.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="md">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isPending ? (
        <Skeleton height={160} radius="lg" />
      ) : certificates.length > 0 ? (
        <CertificatesTable certificates={certificates} />
      ) : (
        !list.error && (
          <EmptyState
            icon={IconCertificate}
            title="No certificates yet"
            action={
              <Button component={Link} href="/apps" variant="light" leftSection={<IconApps size={16} />}>
                Open Apps
              </Button>
            }
          >
            A certificate is asked for from an app's page: open the app and press Enable HTTPS beside one of its domains
            {mayManage ? "" : " (operators and admins can)"}. From a terminal:{" "}
            <Code>wheelhouse certs issue DOMAIN</Code>
          </EmptyState>
        )
      )}
    </>
  );
}
