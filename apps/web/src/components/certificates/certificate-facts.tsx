"use client";
// A certificate's facts (dates, issuer, serial, names) and the chain nginx serves, leaf first: what
// a person compares with what a browser shows when it complains.
import { Paper, Stack, Table, Text, Title } from "@mantine/core";
import type { CertificateDetail } from "@wheelhouse/shared";
import { FactRow } from "../fact-row";
import { RelativeTime } from "../relative-time";
import { withKeys } from "./format";

function DateFact({ value, none }: { value: string | null; none: string }) {
  if (!value) {
    return (
      <Text span fz="sm" c="dimmed">
        {none}
      </Text>
    );
  }
  return (
    <>
      {new Date(value).toLocaleString()} (<RelativeTime value={value} />)
    </>
  );
}

function Monospace({ children }: { children: string }) {
  return (
    <Text span ff="monospace" fz="sm" style={{ overflowWrap: "anywhere" }}>
      {children}
    </Text>
  );
}

export function CertificateFacts({ certificate }: { certificate: CertificateDetail }) {
  const issued = certificate.notAfter !== null;
  return (
    <section aria-labelledby="certificate-facts-heading">
      <Title order={2} fz="h4" mb="sm" id="certificate-facts-heading">
        Certificate
      </Title>
      <Paper withBorder radius="lg">
        <Table verticalSpacing="xs" aria-labelledby="certificate-facts-heading">
          <Table.Tbody>
            <FactRow label="Not before">
              <DateFact value={certificate.notBefore} none="not issued yet" />
            </FactRow>
            <FactRow label="Not after">
              <DateFact value={certificate.notAfter} none="not issued yet" />
            </FactRow>
            <FactRow label="Renews at">
              {certificate.source === "upload" ? (
                <Text span fz="sm" c="dimmed">
                  not renewed by Wheelhouse: it was uploaded
                </Text>
              ) : (
                <DateFact value={certificate.renewAt} none={issued ? "not scheduled" : "once issued"} />
              )}
            </FactRow>
            <FactRow label="Issuer">{certificate.issuer ? <Monospace>{certificate.issuer}</Monospace> : "—"}</FactRow>
            <FactRow label="Serial">{certificate.serial ? <Monospace>{certificate.serial}</Monospace> : "—"}</FactRow>
            <FactRow label="Names">
              {certificate.names.length > 0 ? (
                <Stack gap={0}>
                  {certificate.names.map((name) => (
                    <Monospace key={name}>{name}</Monospace>
                  ))}
                </Stack>
              ) : (
                "—"
              )}
            </FactRow>
            <FactRow label="Source">
              {certificate.source === "acme" ? "Ordered from the ACME directory" : "Uploaded"}
            </FactRow>
          </Table.Tbody>
        </Table>
      </Paper>
    </section>
  );
}

export function CertificateChain({ chain }: { chain: CertificateDetail["chain"] }) {
  return (
    <section aria-labelledby="certificate-chain-heading">
      <Title order={2} fz="h4" mb="sm" id="certificate-chain-heading">
        Chain
      </Title>
      {chain.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No certificate has been issued yet, so there is no chain to serve.
        </Text>
      ) : (
        <Paper withBorder radius="lg">
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs" aria-labelledby="certificate-chain-heading" data-testid="certificate-chain">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Issued by</Table.Th>
                  <Table.Th w={150}>Valid until</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {withKeys(chain, (entry) => `${entry.serial}|${entry.subject}`).map(({ key, item: entry }, index) => (
                  <Table.Tr key={key}>
                    <Table.Td>
                      <Monospace>{entry.subject || "(no subject)"}</Monospace>
                      <Text fz="xs" c="dimmed">
                        {index === 0
                          ? "the certificate itself"
                          : entry.subject === entry.issuer
                            ? "root"
                            : "intermediate"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Monospace>{entry.issuer}</Monospace>
                    </Table.Td>
                    <Table.Td fz="sm">
                      {new Date(entry.notAfter).toLocaleDateString()}
                      <Text fz="xs" c="dimmed">
                        <RelativeTime value={entry.notAfter} />
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </section>
  );
}
