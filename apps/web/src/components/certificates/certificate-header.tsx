"use client";
// A certificate's header: the domain, its status, the app it serves, Renew now and Upload certificate.
import { Anchor, Group, Stack, Text, Title } from "@mantine/core";
import type { CertificateDetail } from "@wheelhouse/shared";
import Link from "next/link";
import { RelativeTime } from "../relative-time";
import { CertificateStatusBadge } from "./certificate-status-badge";
import { issuerLabel } from "./format";
import { RenewButton } from "./renew-button";
import { UploadCertificateButton } from "./upload-certificate-button";

export function CertificateHeader({ certificate }: { certificate: CertificateDetail }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="md">
      <Stack gap={6}>
        <Group gap="sm">
          <Title order={1} fz="h2" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {certificate.domain}
          </Title>
          <CertificateStatusBadge status={certificate.status} size="lg" />
        </Group>
        <Text c="dimmed" fz="sm">
          For{" "}
          <Anchor component={Link} href={`/apps/${encodeURIComponent(certificate.app.name)}`} ff="monospace" fz="sm">
            {certificate.app.name}
          </Anchor>
          {certificate.issuer && ` · issued by ${issuerLabel(certificate.issuer)}`}
          {certificate.notAfter && (
            <>
              {" "}
              · {new Date(certificate.notAfter) > new Date() ? "expires" : "expired"}{" "}
              <RelativeTime value={certificate.notAfter} />
            </>
          )}
        </Text>
      </Stack>
      <Group gap="sm">
        <UploadCertificateButton domain={certificate.domain} replaces={certificate.notAfter !== null} />
        <RenewButton certificate={certificate} />
      </Group>
    </Group>
  );
}
