"use client";
// Settings → Single sign-on: the OpenID Connect provider people sign in with, who may, the roles
// their groups give, and whether passwords still work. Admins only: the settings decide who gets in.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { FactRow } from "../../../../components/fact-row";
import { PageHeader } from "../../../../components/page-header";
import { ResetSsoSettingsButton } from "../../../../components/sso/reset-sso-settings-button";
import { SsoSettingsForm } from "../../../../components/sso/sso-settings-form";

const SOURCES = {
  settings: "An admin, on this page",
  environment:
    "The environment (OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) until an admin saves settings here",
  off: "Nobody: single sign-on is off",
} as const;

export default function SsoSettingsPage() {
  const trpc = useTRPC();
  const mayManage = useCan("auth.sso.manage");
  const settings = useQuery({ ...trpc.sso.settings.queryOptions(), enabled: mayManage });
  const current = settings.data;
  return (
    <>
      <PageHeader
        title="Single sign-on"
        description="Let people sign in with your company's OpenID Connect provider (Okta, Entra ID, Keycloak, Google…); their groups there decide their role here."
        actions={
          <Anchor component={Link} href="/settings" fz="sm">
            Back to Settings
          </Anchor>
        }
      />
      {!mayManage ? (
        <Text fz="sm" c="dimmed">
          Single sign-on decides who gets into the portal, so only admins see and change it.
        </Text>
      ) : (
        <Stack gap="xl">
          {settings.error && (
            <Alert color="red" icon={<IconAlertCircle />} title="The single sign-on settings cannot be read">
              {errorMessage(settings.error)}
            </Alert>
          )}
          <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="sso-current-heading">
            <Title order={2} fz="h3" id="sso-current-heading" mb="sm">
              In use
            </Title>
            {current ? (
              <Stack gap="md">
                <Table verticalSpacing="xs" aria-label="Single sign-on in use" data-testid="sso-settings">
                  <Table.Tbody>
                    <FactRow label="Status">
                      <Badge variant="light" color={current.source === "off" ? "gray" : "teal"}>
                        {current.source === "off" ? "Off" : `On: Sign in with ${current.displayName}`}
                      </Badge>
                    </FactRow>
                    <FactRow label="Set by">{SOURCES[current.source]}</FactRow>
                    {current.issuerUrl && (
                      <FactRow label="Issuer">
                        <Text fz="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                          {current.issuerUrl}
                        </Text>
                      </FactRow>
                    )}
                    {current.source !== "off" && (
                      <FactRow label="Client secret">
                        {current.clientSecretSet ? "Set (never shown)" : "None: public client"}
                      </FactRow>
                    )}
                    <FactRow label="Redirect URI">
                      <Group gap="xs" wrap="nowrap">
                        <Code style={{ overflowWrap: "anywhere" }}>{current.callbackUrl}</Code>
                        <CopyButton value={current.callbackUrl}>
                          {({ copied, copy }) => (
                            <Button size="compact-xs" variant="subtle" onClick={copy}>
                              {copied ? "Copied" : "Copy"}
                            </Button>
                          )}
                        </CopyButton>
                      </Group>
                      <Text fz="xs" c="dimmed">
                        Register this at the provider as the client's redirect URI.
                      </Text>
                    </FactRow>
                    <FactRow label="Passwords">
                      {current.passwordSignIn === "break-glass"
                        ? `Only ${current.breakGlassEmail} (break-glass)`
                        : "Everyone with a password may still use it"}
                    </FactRow>
                  </Table.Tbody>
                </Table>
                {current.source === "settings" && (
                  <Group>
                    <ResetSsoSettingsButton />
                  </Group>
                )}
              </Stack>
            ) : (
              !settings.error && <Skeleton height={160} radius="md" />
            )}
          </Card>
          <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="sso-change-heading">
            <Title order={2} fz="h3" id="sso-change-heading" mb="sm">
              Change
            </Title>
            {current ? (
              <SsoSettingsForm
                // Starts again from what was saved, once it is read back.
                key={`${current.source}|${current.issuerUrl}|${current.clientId}|${JSON.stringify(current.roleMapping)}|${current.passwordSignIn}`}
                initial={current}
              />
            ) : (
              !settings.error && <Skeleton height={320} radius="md" />
            )}
          </Card>
        </Stack>
      )}
    </>
  );
}
