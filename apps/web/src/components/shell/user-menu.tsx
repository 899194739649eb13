"use client";
import { Avatar, Badge, Group, Menu, Text, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { IconChevronDown, IconLogout, IconSettings, IconUserCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCurrentUser } from "../../client/session";
import { useTRPC } from "../../client/trpc";

export function UserMenu() {
  const user = useCurrentUser();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace("/sign-in");
      },
    }),
  );
  const initials = user.name
    .split(/\s+/)
    .map((part) => part[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();
  return (
    // No focus placeholder: axe refuses a menu holding an element that is not a menu item.
    <Menu position="bottom-end" width={240} withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        {/* Named by what it shows (name, team) plus a hidden "account menu": an aria-label that
            hid the visible text failed WCAG 2.5.3 (label in name) for people who speak to click. */}
        <UnstyledButton data-testid="user-menu">
          <Group gap={8} wrap="nowrap">
            <Avatar radius="xl" size={30} color="indigo" aria-hidden>
              {initials}
            </Avatar>
            <div style={{ lineHeight: 1.1 }}>
              <Text fz="sm" fw={600}>
                {user.name}
              </Text>
              <Text fz="xs" c="dimmed">
                {user.team.name}
              </Text>
            </div>
            <VisuallyHidden>account menu</VisuallyHidden>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Group justify="space-between">
            <span>{user.email}</span>
          </Group>
        </Menu.Label>
        <Menu.Item disabled>
          <Group gap={6}>
            <Text fz="sm">Role in {user.team.name}</Text>
            <Badge size="sm" variant="light" data-testid="current-role">
              {user.role}
            </Badge>
          </Group>
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item component={Link} href="/account" leftSection={<IconUserCircle size={16} />}>
          Account
        </Menu.Item>
        <Menu.Item component={Link} href="/settings" leftSection={<IconSettings size={16} />}>
          Settings
        </Menu.Item>
        <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={() => signOut.mutate()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
