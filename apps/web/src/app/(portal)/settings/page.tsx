"use client";
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconBell,
  IconBox,
  IconCertificate,
  IconKey,
  IconShieldCheck,
  IconUrgent,
  IconUserPlus,
} from "@tabler/icons-react";
import { ROLE_DESCRIPTIONS } from "@wheelhouse/shared";
import Link from "next/link";
import { useCan, useCurrentUser } from "../../../client/session";
import { PageHeader } from "../../../components/page-header";
import { ApiKeysSection } from "../../../components/settings/api-keys-section";
import { SecondFactorPolicySection } from "../../../components/settings/second-factor-policy-section";
import { AlertsMetricsCard } from "../../../components/signals/alerts-metrics-card";
import { ROLE_COLORS } from "../../../components/status";
import { AddUserModal } from "../../../components/users/add-user-modal";
import { InviteButton } from "../../../components/users/invite-button";
import { MembersTable } from "../../../components/users/members-table";
import { PendingInvites } from "../../../components/users/pending-invites";

export default function SettingsPage() {
  const me = useCurrentUser();
  const mayAddUsers = useCan("users.create");
  const mayManageKeys = useCan("apikeys.manage");
  const maySeeRegistries = useCan("registries.read");
  const maySeeSignals = useCan("incidents.read");
  const mayManageSso = useCan("auth.sso.manage");
  const maySetSecondFactor = useCan("auth.second-factor.policy");
  const [adding, { open, close }] = useDisclosure(false);
  return (
    <>
      <PageHeader title="Settings" description={`Your account, the members of ${me.team.name} and your API keys.`} />
      <Stack gap="xl">
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Card withBorder radius="lg" padding="lg">
            <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
              Your account
            </Text>
            <Title order={2} fz="h4" mt={6}>
              {me.name}
            </Title>
            <Text c="dimmed" fz="sm">
              {me.email}
            </Text>
            <Button component={Link} href="/account" variant="light" size="xs" mt="sm" w="fit-content">
              Password and sessions
            </Button>
          </Card>
          <Card withBorder radius="lg" padding="lg">
            <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
              Your role in {me.team.name}
            </Text>
            <Group mt={8}>
              <Badge size="lg" variant="light" color={ROLE_COLORS[me.role]}>
                {me.role}
              </Badge>
            </Group>
            <Text fz="sm" mt={8}>
              {ROLE_DESCRIPTIONS[me.role]}
            </Text>
          </Card>
        </SimpleGrid>
        {mayManageKeys && <ApiKeysSection />}
        {maySeeRegistries && (
          <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="registries-heading">
            <Group justify="space-between" wrap="wrap">
              <div>
                <Title order={2} fz="h3" id="registries-heading">
                  Registries
                </Title>
                <Text fz="sm" c="dimmed">
                  Logins to private container registries, sent with each pull, and the hook that deploys on push.
                </Text>
              </div>
              <Button component={Link} href="/settings/registries" variant="light" leftSection={<IconBox size={16} />}>
                Open Registries
              </Button>
            </Group>
          </Card>
        )}
        {mayManageSso && (
          <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="sso-heading">
            <Group justify="space-between" wrap="wrap">
              <div>
                <Title order={2} fz="h3" id="sso-heading">
                  Single sign-on
                </Title>
                <Text fz="sm" c="dimmed">
                  Sign in with your company's OpenID Connect provider; its groups decide each person's role here.
                </Text>
              </div>
              <Button component={Link} href="/settings/sso" variant="light" leftSection={<IconKey size={16} />}>
                Open Single sign-on
              </Button>
            </Group>
          </Card>
        )}
        {maySetSecondFactor && <SecondFactorPolicySection />}
        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="certificates-heading">
          <Group justify="space-between" wrap="wrap">
            <div>
              <Title order={2} fz="h3" id="certificates-heading">
                Certificates (ACME)
              </Title>
              <Text fz="sm" c="dimmed">
                The ACME directory your apps' certificates are ordered from (Let's Encrypt, or a private CA), and its
                contact address.
              </Text>
            </div>
            <Button
              component={Link}
              href="/settings/certificates"
              variant="light"
              leftSection={<IconCertificate size={16} />}
            >
              Open Certificates (ACME)
            </Button>
          </Group>
        </Card>
        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="notifications-heading">
          <Group justify="space-between" wrap="wrap">
            <div>
              <Title order={2} fz="h3" id="notifications-heading">
                Notifications
              </Title>
              <Text fz="sm" c="dimmed">
                Webhooks that tell a chat channel or an on-call tool about incidents, approvals and failed deployments.
              </Text>
            </div>
            <Button
              component={Link}
              href="/settings/notifications"
              variant="light"
              leftSection={<IconBell size={16} />}
            >
              Open Notifications
            </Button>
          </Group>
        </Card>
        {maySeeSignals && <AlertsMetricsCard />}
        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="incident-rules-heading">
          <Group justify="space-between" wrap="wrap">
            <div>
              <Title order={2} fz="h3" id="incident-rules-heading">
                Incident rules
              </Title>
              <Text fz="sm" c="dimmed">
                Which signals (failed deploys, unhealthy apps, lost agents, alerts) open an incident, and how severe.
              </Text>
            </div>
            <Button
              component={Link}
              href="/settings/incident-rules"
              variant="light"
              leftSection={<IconUrgent size={16} />}
            >
              Open Incident rules
            </Button>
          </Group>
        </Card>
        <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="approval-policies-heading">
          <Group justify="space-between" wrap="wrap">
            <div>
              <Title order={2} fz="h3" id="approval-policies-heading">
                Approval policies
              </Title>
              <Text fz="sm" c="dimmed">
                Which risky actions (rollbacks, deploys, restarts, scaling, maintenance) wait for a second person, and
                for how long.
              </Text>
            </div>
            <Button
              component={Link}
              href="/settings/approval-policies"
              variant="light"
              leftSection={<IconShieldCheck size={16} />}
            >
              Open Approval policies
            </Button>
          </Group>
        </Card>
        <section aria-labelledby="members-heading">
          <Group justify="space-between" mb="sm">
            <Title order={2} fz="h3" id="members-heading">
              Members
            </Title>
            <Group gap="xs">
              <InviteButton />
              {mayAddUsers && (
                <Button leftSection={<IconUserPlus size={16} />} onClick={open}>
                  Add user
                </Button>
              )}
            </Group>
          </Group>
          <MembersTable />
          <PendingInvites />
        </section>
      </Stack>
      {mayAddUsers && <AddUserModal opened={adding} onClose={close} />}
    </>
  );
}
