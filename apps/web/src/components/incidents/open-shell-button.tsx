"use client";
// "Open shell" on the incident's app: a shell in one of its running instances, opened the way the
// app page's instance rows open one (/terminal?instance=…). The session then shows on the
// incident's timeline, with its recording once it ends.
import { Button, Menu } from "@mantine/core";
import { IconTerminal2 } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";

export function OpenShellButton({ app }: { app: string }) {
  const trpc = useTRPC();
  const mayShell = useCan("containers.shell");
  // An instance on the host's network counts as the host (server/terminal/shell-policy.ts): admins only.
  const mayHostShell = useCan("hosts.shell");
  const detail = useQuery(trpc.apps.get.queryOptions({ name: app }, { enabled: mayShell }));
  const data = detail.data?.app;
  if (!mayShell || !data || (data.network === "host" && !mayHostShell)) return null;
  const running = data.instances.filter(
    (instance) => instance.containerId && instance.status !== "Stopped" && instance.status !== "Failed",
  );
  if (running.length === 0) return null;
  const href = (id: string) => `/terminal?instance=${encodeURIComponent(id)}`;
  const [only] = running;
  if (running.length === 1 && only)
    return (
      <Button component={Link} href={href(only.id)} variant="default" leftSection={<IconTerminal2 size={16} />}>
        Open shell
      </Button>
    );
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button variant="default" leftSection={<IconTerminal2 size={16} />}>
          Open shell
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Which instance</Menu.Label>
        {running.map((instance) => (
          <Menu.Item key={instance.id} component={Link} href={href(instance.id)}>
            {instance.containerName ?? instance.id} on {instance.hostName}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
