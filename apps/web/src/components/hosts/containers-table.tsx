"use client";
import {
  ActionIcon,
  Badge,
  Code,
  Drawer,
  Group,
  Loader,
  Menu,
  Paper,
  ScrollArea,
  Table,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import {
  IconDots,
  IconFileCode,
  IconFileText,
  IconPlayerPlay,
  IconPlayerStop,
  IconRefresh,
  IconTerminal2,
  IconTrash,
} from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { ContainerAction } from "@wheelhouse/shared";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import type { AppRouter } from "../../server/trpc/root-router";
import { RelativeTime } from "../relative-time";
import { CONTAINER_HEALTH_COLORS, CONTAINER_STATE_COLORS } from "../status";

type Inventory = inferRouterOutputs<AppRouter>["containers"]["list"];
type ContainerRow = Inventory["containers"][number];

function ports(c: ContainerRow): string {
  return (
    c.ports
      .map((p) =>
        p.publicPort ? `${p.ip ?? "0.0.0.0"}:${p.publicPort}→${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`,
      )
      .join(", ") || "—"
  );
}

export function ContainersTable({ hostId, inventory }: { hostId: string; inventory: Inventory }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayManage = useCan("containers.manage");
  const mayInspect = useCan("containers.inspect");
  const mayReadLogs = useCan("logs.read");
  // A container shell needs the role and the member's own grant (terminal/shell-access.ts).
  const mayShellByRole = useCan("containers.shell");
  const shellAccess = useQuery(trpc.terminal.access.queryOptions(undefined, { enabled: mayShellByRole }));
  const mayShell = shellAccess.data?.containerShell === true;
  // A container that counts as the host (c.shell "admin-only", server/terminal/shell-policy.ts) needs a host shell's right.
  const mayHostShell = shellAccess.data?.hostShell === true;
  const [filter, setFilter] = useState("");
  const [inspecting, setInspecting] = useState<ContainerRow | null>(null);
  const inspect = useQuery(
    trpc.containers.inspect.queryOptions(
      { hostId, id: inspecting?.id ?? "0".repeat(64) },
      { enabled: inspecting !== null },
    ),
  );
  const act = useMutation(
    trpc.containers.action.mutationOptions({
      onSuccess: (_data, vars) => {
        notifications.show({ color: "teal", title: "Done", message: `${vars.action} sent to the container.` });
        return queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey({ hostId }) });
      },
      onError: (error) => notifications.show({ color: "red", title: "Not done", message: errorMessage(error) }),
    }),
  );
  const run = (c: ContainerRow, action: ContainerAction) => {
    if (action !== "remove") return act.mutate({ hostId, id: c.id, action });
    modals.openConfirmModal({
      title: `Remove ${c.name}?`,
      children: (
        <Text fz="sm">
          {c.managed
            ? "The container is stopped and deleted. Wheelhouse will not start it again unless you deploy."
            : "Wheelhouse did not create this container. It may belong to another tool or person; its data in anonymous volumes is lost."}
        </Text>
      ),
      labels: { confirm: "Remove", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => act.mutate({ hostId, id: c.id, action, confirmUnmanaged: !c.managed }),
    });
  };
  const needle = filter.trim().toLowerCase();
  const rows = inventory.containers.filter(
    (c) => !needle || c.name.toLowerCase().includes(needle) || c.image.toLowerCase().includes(needle),
  );

  return (
    <>
      <TextInput
        placeholder="Filter by name or image"
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
        mb="sm"
        maw={320}
        aria-label="Filter containers"
      />
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="xs" highlightOnHover aria-label="Containers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Image</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Ports</Table.Th>
                <Table.Th>Started / exited</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id} data-testid={`container-${c.name}`}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text fz="sm" fw={500}>
                        {c.name}
                      </Text>
                      {c.managed && (
                        <Badge size="xs" variant="light">
                          Wheelhouse
                        </Badge>
                      )}
                    </Group>
                    <Text fz="xs" c="dimmed" ff="monospace">
                      {c.id.slice(0, 12)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" lineClamp={1} title={c.image}>
                      {c.image}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge variant="dot" color={CONTAINER_STATE_COLORS[c.state]} data-testid="container-state">
                        {c.state}
                      </Badge>
                      {c.health !== "none" && (
                        <Badge variant="light" color={CONTAINER_HEALTH_COLORS[c.health]} size="sm">
                          {c.health}
                        </Badge>
                      )}
                      {c.exitCode !== null && c.state !== "running" && (
                        <Text fz="xs" c="dimmed">
                          exit {c.exitCode}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="xs" ff="monospace">
                      {ports(c)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="xs">
                      {c.state === "running" && c.startedAt ? (
                        <RelativeTime value={new Date(c.startedAt)} />
                      ) : c.finishedAt ? (
                        <RelativeTime value={new Date(c.finishedAt)} />
                      ) : (
                        "—"
                      )}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {(mayManage || mayInspect || mayReadLogs || mayShell) && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${c.name}`}>
                            <IconDots size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {mayManage && c.state !== "running" && (
                            <Menu.Item leftSection={<IconPlayerPlay size={14} />} onClick={() => run(c, "start")}>
                              Start
                            </Menu.Item>
                          )}
                          {mayManage && c.state === "running" && (
                            <Menu.Item leftSection={<IconPlayerStop size={14} />} onClick={() => run(c, "stop")}>
                              Stop
                            </Menu.Item>
                          )}
                          {mayManage && (
                            <Menu.Item leftSection={<IconRefresh size={14} />} onClick={() => run(c, "restart")}>
                              Restart
                            </Menu.Item>
                          )}
                          {mayReadLogs && (
                            <Menu.Item
                              component={Link}
                              href={`/hosts/${encodeURIComponent(hostId)}/containers/${c.id}/logs`}
                              leftSection={<IconFileText size={14} />}
                            >
                              Logs
                            </Menu.Item>
                          )}
                          {mayShell && c.state === "running" && (mayHostShell || c.shell === "allowed") && (
                            <Menu.Item
                              component={Link}
                              href={`/terminal?host=${encodeURIComponent(hostId)}&container=${c.id}`}
                              leftSection={<IconTerminal2 size={14} />}
                            >
                              Shell
                            </Menu.Item>
                          )}
                          {mayShell && c.state === "running" && !mayHostShell && c.shell === "admin-only" && (
                            <Menu.Item disabled leftSection={<IconTerminal2 size={14} />} maw={320}>
                              <Text fz="sm">No shell for you here</Text>
                              <Text fz="xs" c="dimmed" data-testid="shell-refusal">
                                {c.shellReason}
                              </Text>
                            </Menu.Item>
                          )}
                          {mayInspect && (
                            <Menu.Item leftSection={<IconFileCode size={14} />} onClick={() => setInspecting(c)}>
                              Inspect
                            </Menu.Item>
                          )}
                          {mayManage && (
                            <Menu.Item
                              color="red"
                              leftSection={<IconTrash size={14} />}
                              onClick={() => run(c, "remove")}
                            >
                              Remove
                            </Menu.Item>
                          )}
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {rows.length === 0 && (
          <Text c="dimmed" fz="sm" p="md">
            {inventory.containers.length === 0 ? "No containers on this host." : "No container matches the filter."}
          </Text>
        )}
      </Paper>
      <Drawer
        opened={inspecting !== null}
        onClose={() => setInspecting(null)}
        position="right"
        size="xl"
        title={inspecting ? `Inspect ${inspecting.name}` : ""}
      >
        {inspect.isPending ? (
          <Loader aria-label="Loading" />
        ) : inspect.error ? (
          <Text c="red">{errorMessage(inspect.error)}</Text>
        ) : (
          <ScrollArea>
            <Tooltip label="The engine's own inspect document" withArrow>
              <Code block>{JSON.stringify(inspect.data, null, 2)}</Code>
            </Tooltip>
          </ScrollArea>
        )}
      </Drawer>
    </>
  );
}
