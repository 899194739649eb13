"use client";
// The ACME directory the portal orders from, as every role sees it: where the setting comes from
// (saved on Settings, or the environment's defaults), the contact address, and the CA bundle.
import { Code, Table, Text } from "@mantine/core";
import type { acmeSettingsAnswerSchema } from "@wheelhouse/shared";
import type { z } from "zod";
import { FactRow } from "../fact-row";
import { directoryLabel } from "./format";

export type AcmeSettingsView = z.infer<typeof acmeSettingsAnswerSchema>;

function certificateCount(pem: string): number {
  return pem.split("-----BEGIN CERTIFICATE-----").length - 1;
}

export function AcmeSettingsFacts({ settings }: { settings: AcmeSettingsView }) {
  const count = settings.caBundlePem ? certificateCount(settings.caBundlePem) : 0;
  return (
    <Table verticalSpacing="xs" aria-label="ACME directory in use" data-testid="acme-settings">
      <Table.Tbody>
        <FactRow label="Directory">
          <Text fz="sm" fw={500}>
            {directoryLabel(settings.directoryUrl)}
          </Text>
          <Text fz="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {settings.directoryUrl}
          </Text>
        </FactRow>
        <FactRow label="Set by">
          {settings.source === "settings" ? (
            "An admin, on this page"
          ) : (
            <>
              The environment (<Code>ACME_DIRECTORY_URL</Code>, <Code>ACME_EMAIL</Code>, <Code>ACME_CA_BUNDLE</Code>)
              until an admin saves settings here
            </>
          )}
        </FactRow>
        <FactRow label="Contact email">
          {settings.email ?? (
            <Text span fz="sm" c="dimmed">
              none: the CA cannot warn anyone about expiring certificates
            </Text>
          )}
        </FactRow>
        <FactRow label="CA bundle">
          {count > 0 ? (
            `${count} CA certificate${count === 1 ? "" : "s"} trusted for the directory's own HTTPS, besides the system's`
          ) : (
            <Text span fz="sm" c="dimmed">
              none: the system's trusted CAs
            </Text>
          )}
        </FactRow>
      </Table.Tbody>
    </Table>
  );
}
