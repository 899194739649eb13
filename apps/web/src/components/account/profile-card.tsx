"use client";
// Account → who you are here: name, email, team and role (an admin changes the role on Settings).
import { Badge, Card, Group, SimpleGrid, Text, Title } from "@mantine/core";
import { ROLE_DESCRIPTIONS } from "@wheelhouse/shared";
import { useCurrentUser } from "../../client/session";
import { ROLE_COLORS } from "../status";

export function ProfileCard() {
  const me = useCurrentUser();
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="profile-heading">
        <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
          Profile
        </Text>
        <Title order={2} fz="h4" mt={6} id="profile-heading">
          {me.name}
        </Title>
        <Text c="dimmed" fz="sm">
          {me.email}
        </Text>
      </Card>
      <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="team-role-heading">
        <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
          Team
        </Text>
        <Title order={2} fz="h4" mt={6} id="team-role-heading">
          {me.team.name}
        </Title>
        <Group mt={8} gap="xs">
          <Text fz="sm">Your role</Text>
          <Badge variant="light" color={ROLE_COLORS[me.role]} data-testid="account-role">
            {me.role}
          </Badge>
        </Group>
        <Text fz="sm" mt={8}>
          {ROLE_DESCRIPTIONS[me.role]}
        </Text>
      </Card>
    </SimpleGrid>
  );
}
