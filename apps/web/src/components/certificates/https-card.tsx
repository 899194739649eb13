"use client";
// The app page's HTTPS card: each domain's certificate (or, for operators, Enable HTTPS and Upload;
// a wildcard can only be uploaded), and the app's two HTTPS switches, which wait until a
// certificate is served. Pending turns Active here by the certificates:changed hint, and by
// polling while an order runs.
import { Alert, Anchor, Card, Group, Skeleton, Stack, Switch, Table, Text, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconLock } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { App, CertificateSummary } from "@wheelhouse/shared";
import Link from "next/link";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { useNow } from "../apps/use-now";
import { CertificateStatusBadge } from "./certificate-status-badge";
import { EnableHttpsButton } from "./enable-https-button";
import { certificatePath, hasServedCertificate, isWildcard, pollWhileOrdering } from "./format";
import { UploadCertificateButton } from "./upload-certificate-button";

function DomainRow({ domain, certificate }: { domain: string; certificate: CertificateSummary | undefined }) {
  const mayManage = useCan("certificates.manage");
  return (
    <Table.Tr data-testid={`https-${domain}`}>
      <Table.Td>
        <Text fz="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
          {domain}
        </Text>
      </Table.Td>
      <Table.Td>
        {certificate ? (
          <Group gap="xs" wrap="nowrap">
            <CertificateStatusBadge status={certificate.status} />
            <Anchor component={Link} href={certificatePath(domain)} fz="sm" aria-label={`Certificate of ${domain}`}>
              Certificate
            </Anchor>
          </Group>
        ) : (
          <Text fz="sm" c="dimmed">
            No certificate
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {!certificate &&
          (!mayManage ? (
            isWildcard(domain) && (
              <Text fz="xs" c="dimmed">
                A wildcard needs an uploaded certificate
              </Text>
            )
          ) : isWildcard(domain) ? (
            // HTTP-01 cannot prove a wildcard: uploading is the only way to a certificate.
            <UploadCertificateButton domain={domain} size="xs" variant="light" />
          ) : (
            <Group gap="xs" justify="flex-end" wrap="nowrap">
              <EnableHttpsButton domain={domain} />
              <UploadCertificateButton domain={domain} size="xs" variant="subtle" short />
            </Group>
          ))}
      </Table.Td>
    </Table.Tr>
  );
}

type HttpsSwitch = "httpsRedirect" | "hsts";

const SWITCHES: Record<HttpsSwitch, { label: string; description: string; on: string; off: string }> = {
  httpsRedirect: {
    label: "Redirect HTTP to HTTPS",
    description: "Plain HTTP requests to a domain with a certificate get a 301 to the same address over HTTPS.",
    on: "Plain HTTP now redirects to HTTPS",
    off: "Plain HTTP is served again",
  },
  hsts: {
    label: "HSTS",
    description: "Tells browsers to use only HTTPS for a year (Strict-Transport-Security); hard to undo for visitors.",
    on: "Browsers are told to use only HTTPS",
    off: "HSTS is no longer sent",
  },
};

function HttpsSwitches({ app, served }: { app: App; served: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayUpdate = useCan("apps.update");
  const update = useMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: ({ app: saved }, input) => {
        const field: HttpsSwitch = input.hsts !== undefined ? "hsts" : "httpsRedirect";
        notifications.show({
          color: "teal",
          title: saved[field] ? SWITCHES[field].on : SWITCHES[field].off,
          message: `Sent to nginx on ${saved.name}'s hosts; a host whose agent is offline gets it when it reconnects.`,
        });
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "HTTPS not changed", message: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() }),
    }),
  );
  const hint = !mayUpdate
    ? "Operators and admins change this."
    : served
      ? undefined
      : "Available once a certificate of this app is Active.";
  return (
    <Stack gap="sm" mt="md">
      {(Object.keys(SWITCHES) as HttpsSwitch[]).map((field) => {
        const checked = app[field];
        return (
          <Switch
            key={field}
            label={SWITCHES[field].label}
            description={hint ? `${SWITCHES[field].description} ${hint}` : SWITCHES[field].description}
            checked={checked}
            // Turning one off stays possible without a certificate; turning it on does not.
            disabled={!mayUpdate || update.isPending || (!served && !checked)}
            onChange={(event) => {
              const on = event.currentTarget.checked;
              update.mutate(field === "hsts" ? { name: app.name, hsts: on } : { name: app.name, httpsRedirect: on });
            }}
            data-testid={`https-switch-${field}`}
          />
        );
      })}
    </Stack>
  );
}

export function HttpsCard({ app }: { app: App }) {
  const trpc = useTRPC();
  const list = useQuery(
    trpc.certificates.list.queryOptions(undefined, {
      select: (data) => data.certificates.filter((certificate) => certificate.app.id === app.id),
      refetchInterval: (query) =>
        pollWhileOrdering(query.state.data?.certificates.filter((certificate) => certificate.app.id === app.id)),
    }),
  );
  const certificates = list.data ?? [];
  // Ticks once a minute so a certificate passing its end turns the switches off without a reload.
  const now = useNow(certificates.length > 0, 60_000);
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="https-heading">
      <Group justify="space-between" mb="xs">
        <Group gap={6}>
          <IconLock size={14} aria-hidden />
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600} id="https-heading">
            HTTPS
          </Text>
        </Group>
        <Anchor component={Link} href="/certificates" fz="sm">
          All certificates
        </Anchor>
      </Group>
      {list.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="sm">
          {errorMessage(list.error)}
        </Alert>
      )}
      {app.domains.length === 0 ? (
        <Text fz="sm" c="dimmed">
          HTTPS needs a domain: add one on the Settings tab, then ask for its certificate here.
        </Text>
      ) : list.isPending ? (
        <Skeleton height={80} radius="md" />
      ) : (
        <>
          <Table verticalSpacing={6} aria-label="Certificates of the app's domains">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Domain</Table.Th>
                <Table.Th>Certificate</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Action</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {app.domains.map((domain) => (
                <DomainRow
                  key={domain}
                  domain={domain}
                  certificate={certificates.find((certificate) => certificate.domain === domain)}
                />
              ))}
            </Table.Tbody>
          </Table>
          <HttpsSwitches app={app} served={hasServedCertificate(certificates, now)} />
        </>
      )}
    </Card>
  );
}
