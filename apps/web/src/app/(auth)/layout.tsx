import { Center, Paper, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { Logo } from "../../components/logo";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Stack w={420} maw="100%" gap="lg">
        <Center>
          <Logo size="lg" />
        </Center>
        <Paper withBorder shadow="sm" p="xl" radius="lg">
          {children}
        </Paper>
        <Text c="dimmed" ta="center" fz="xs">
          Self-hosted ops portal for your team's apps, hosts and incidents.
        </Text>
      </Stack>
    </Center>
  );
}
