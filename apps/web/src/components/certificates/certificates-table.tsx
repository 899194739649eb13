"use client";
// The certificates list: one row per domain, its app, where it stands, when it expires and who
// issued it. A failed order's problem shows here shortened; its page has it whole.
import { Anchor, Paper, Stack, Table, Text } from "@mantine/core";
import type { CertificateSummary } from "@wheelhouse/shared";
import Link from "next/link";
import { RelativeTime } from "../relative-time";
import { CertificateStatusBadge } from "./certificate-status-badge";
import { certificatePath, issuerLabel, shortened } from "./format";

function Expires({ certificate }: { certificate: CertificateSummary }) {
  if (!certificate.notAfter) {
    return (
      <Text fz="sm" c="dimmed">
        not issued yet
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      <Text fz="sm">{new Date(certificate.notAfter).toLocaleDateString()}</Text>
      <Text fz="xs" c="dimmed">
        <RelativeTime value={certificate.notAfter} />
      </Text>
    </Stack>
  );
}

export function CertificatesTable({ certificates }: { certificates: CertificateSummary[] }) {
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Certificates">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Domain</Table.Th>
              <Table.Th>App</Table.Th>
              <Table.Th w={260}>Status</Table.Th>
              <Table.Th w={140}>Expires</Table.Th>
              <Table.Th>Issuer</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {certificates.map((certificate) => (
              <Table.Tr key={certificate.id} data-testid={`certificate-${certificate.domain}`}>
                <Table.Td>
                  <Anchor component={Link} href={certificatePath(certificate.domain)} ff="monospace" fz="sm" fw={500}>
                    {certificate.domain}
                  </Anchor>
                  {certificate.source === "upload" && (
                    <Text fz="xs" c="dimmed">
                      uploaded
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Anchor
                    component={Link}
                    href={`/apps/${encodeURIComponent(certificate.app.name)}`}
                    ff="monospace"
                    fz="sm"
                  >
                    {certificate.app.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Stack gap={4} align="flex-start">
                    <CertificateStatusBadge status={certificate.status} />
                    {certificate.status === "Failed" && certificate.error && (
                      <Text fz="xs" c="red" data-testid="certificate-problem-short">
                        {shortened(certificate.error.detail || certificate.error.type)}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Expires certificate={certificate} />
                </Table.Td>
                <Table.Td>
                  {certificate.issuer ? (
                    <Text fz="sm" title={certificate.issuer}>
                      {issuerLabel(certificate.issuer)}
                    </Text>
                  ) : (
                    <Text fz="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
