"use client";
import { Alert, AppShell, Burger, Button, Center, Group, Loader, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconPlugConnectedX } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { errorMessage } from "../../client/errors";
import { SessionProvider } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { useSessionSocket } from "../../client/use-session-socket";
import { StepUpProvider } from "../../components/account/step-up-provider";
import { Logo } from "../../components/logo";
import { ColorSchemeToggle } from "../../components/shell/color-scheme-toggle";
import { Navigation } from "../../components/shell/navigation";
import { TeamSwitcher } from "../../components/shell/team-switcher";
import { UserMenu } from "../../components/shell/user-menu";

function mustEnrol(user: { secondFactor: { required: boolean; enabled: boolean } }): boolean {
  return user.secondFactor.required && !user.secondFactor.enabled;
}

export default function PortalLayout({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [opened, { toggle, close }] = useDisclosure();
  const status = useQuery(trpc.auth.status.queryOptions(undefined, { refetchInterval: 60_000 }));
  const user = status.data?.user ?? null;
  // The socket gate refuses someone who must enrol first; it opens once they have.
  useSessionSocket(user !== null && !mustEnrol(user));

  useEffect(() => {
    if (!status.data) return;
    if (status.data.setupRequired) router.replace("/setup");
    else if (!status.data.user) router.replace("/sign-in");
    // A role that must use a second factor, without one: the server refuses everything but enrolling.
    else if (mustEnrol(status.data.user) && pathname !== "/account") router.replace("/account");
  }, [status.data, router, pathname]);

  if (status.error) {
    return (
      <Center mih="100vh" p="md">
        <Alert color="red" icon={<IconPlugConnectedX />} title="Wheelhouse is not answering" maw={480}>
          <Stack gap="sm">
            <Text fz="sm">{errorMessage(status.error)}</Text>
            <Button variant="light" color="red" onClick={() => status.refetch()} w="fit-content">
              Try again
            </Button>
          </Stack>
        </Alert>
      </Center>
    );
  }
  if (!user) {
    return (
      <Center mih="100vh" aria-busy="true">
        <Loader aria-label="Loading" />
      </Center>
    );
  }

  return (
    <SessionProvider user={user}>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 232, breakpoint: "sm", collapsed: { mobile: !opened } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
              <Logo />
            </Group>
            <Group gap="sm" wrap="nowrap">
              <TeamSwitcher />
              <ColorSchemeToggle />
              <UserMenu />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm">
          <Navigation onNavigate={close} />
        </AppShell.Navbar>
        <AppShell.Main>
          <StepUpProvider>{children}</StepUpProvider>
        </AppShell.Main>
      </AppShell>
    </SessionProvider>
  );
}
