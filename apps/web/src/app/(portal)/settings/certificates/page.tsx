"use client";
// Settings → Certificates (ACME): the directory certificates are ordered from, for everyone to see;
// admins change it (Let's Encrypt, its staging directory, or a private ACME server with its CA
// bundle) and the contact address.
import { Alert, Anchor, Card, Group, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { AcmeSettingsFacts } from "../../../../components/certificates/acme-settings-facts";
import { AcmeSettingsForm } from "../../../../components/certificates/acme-settings-form";
import { DIRECTORY_PRESETS } from "../../../../components/certificates/format";
import { ResetAcmeSettingsButton } from "../../../../components/certificates/reset-acme-settings-button";
import { PageHeader } from "../../../../components/page-header";

/** What the form starts from when the current settings cannot be read: Let's Encrypt, no contact. */
const FALLBACK = { directoryUrl: DIRECTORY_PRESETS[0].url, email: null, caBundlePem: null };

export default function CertificateSettingsPage() {
  const trpc = useTRPC();
  const mayManage = useCan("certificates.settings.manage");
  const settings = useQuery(trpc.certificates.acmeSettings.queryOptions());
  const current = settings.data;
  return (
    <>
      <PageHeader
        title="Certificates (ACME)"
        description="Where certificates for your apps' domains are ordered: an ACME directory such as Let's Encrypt. One setting for the whole portal; it applies to the next order or renewal."
        actions={
          <Anchor component={Link} href="/settings" fz="sm">
            Back to Settings
          </Anchor>
        }
      />
      <Stack gap="xl">
        {settings.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="The current ACME settings cannot be read">
            {errorMessage(settings.error)}
          </Alert>
        )}
        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="acme-current-heading">
          <Title order={2} fz="h3" id="acme-current-heading" mb="sm">
            In use
          </Title>
          {current ? (
            <Stack gap="md">
              <AcmeSettingsFacts settings={current} />
              {mayManage && current.source === "settings" && (
                <Group>
                  <ResetAcmeSettingsButton />
                </Group>
              )}
            </Stack>
          ) : (
            !settings.error && <Skeleton height={140} radius="md" />
          )}
        </Card>
        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="acme-change-heading">
          <Title order={2} fz="h3" id="acme-change-heading" mb="sm">
            Change
          </Title>
          {!mayManage ? (
            <Text fz="sm" c="dimmed">
              Which ACME directory the portal trusts is an admin's choice; ask one of your team's admins to change it.
            </Text>
          ) : current || settings.error ? (
            <AcmeSettingsForm
              // Starts again from what was saved, once it is read back.
              key={
                current
                  ? `${current.source}|${current.directoryUrl}|${current.email}|${current.caBundlePem?.length ?? 0}`
                  : "fallback"
              }
              initial={current ?? FALLBACK}
            />
          ) : (
            <Skeleton height={260} radius="md" />
          )}
        </Card>
      </Stack>
    </>
  );
}
