"use client";
// Releases, newest first: what each ran (exact digest), who made it, and a way back to it.
import { ActionIcon, Badge, Button, Code, CopyButton, Group, Paper, Table, Text, Tooltip } from "@mantine/core";
import { IconArrowBackUp, IconCheck, IconCopy } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import type { App, Release } from "@wheelhouse/shared";
import { useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { GateFields } from "../approvals/gate-fields";
import { useApprovalGate } from "../approvals/use-approval-gate";
import { useGatedOutcome } from "../approvals/use-gated-outcome";
import { RelativeTime } from "../relative-time";
import { STATUS_COLORS } from "../status";
import { ConfirmModal } from "./confirm-modal";
import { ReleaseDigest } from "./release-digest";

function DigestCell({ release }: { release: Release }) {
  return (
    <Group gap={4} wrap="nowrap">
      <ReleaseDigest value={release.imageDigest} />
      <CopyButton value={release.imageDigest}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? "Copied" : "Copy digest"} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? "teal" : "gray"}
              size="sm"
              onClick={copy}
              aria-label={`Copy digest of release ${release.number}`}
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

export function ReleaseTable({ app, releases }: { app: App; releases: Release[] }) {
  const trpc = useTRPC();
  const mayRollback = useCan("apps.rollback");
  const outcome = useGatedOutcome();
  const [target, setTarget] = useState<Release | null>(null);
  // In production a rollback waits for an approver by default (issue 14): the dialog says so first.
  const gate = useApprovalGate(app.name, "apps.rollback", target !== null);
  const rollback = useMutation(
    trpc.apps.rollback.mutationOptions({
      onSuccess: async (data) => {
        setTarget(null);
        gate.reset();
        await outcome(data);
      },
    }),
  );
  const close = () => {
    rollback.reset();
    gate.reset();
    setTarget(null);
  };
  return (
    <>
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" aria-label="Releases">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Release</Table.Th>
                <Table.Th>Image</Table.Th>
                <Table.Th>Digest</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Reason</Table.Th>
                {mayRollback && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {releases.map((release) => (
                <Table.Tr key={release.id} data-testid={`release-${release.number}`}>
                  <Table.Td miw={120}>
                    <Group gap="xs" wrap="nowrap">
                      <Text fw={600}>#{release.number}</Text>
                      {release.live && (
                        <Badge color={STATUS_COLORS.live} variant="filled" size="sm" style={{ flexShrink: 0 }}>
                          Live
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="xs" ff="monospace" lineClamp={2} maw={340} style={{ overflowWrap: "anywhere" }}>
                      {release.imageRef}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <DigestCell release={release} />
                  </Table.Td>
                  <Table.Td>{release.createdBy ?? "—"}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <RelativeTime value={release.createdAt} />
                  </Table.Td>
                  <Table.Td maw={260}>
                    <Text fz="sm" c="dimmed" lineClamp={2}>
                      {release.reason ?? "—"}
                    </Text>
                  </Table.Td>
                  {mayRollback && (
                    <Table.Td>
                      <Group justify="flex-end">
                        {!release.live && (
                          <Button
                            size="xs"
                            variant="default"
                            leftSection={<IconArrowBackUp size={14} />}
                            onClick={() => setTarget(release)}
                          >
                            Roll back to this
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {releases.length === 0 && (
          <Text c="dimmed" fz="sm" p="md">
            No releases yet. The first deploy resolves the image to a digest and records it as release #1.
          </Text>
        )}
      </Paper>
      <ConfirmModal
        opened={target !== null}
        title={target ? `Roll back ${app.name} to release #${target.number}?` : "Roll back"}
        confirmLabel={gate.label("Confirm rollback", "Break glass and roll back")}
        // A request runs nothing yet: the ordinary colour; breaking the glass is the alarming one.
        color={gate.breakGlass ? "red" : gate.required ? "indigo" : "orange"}
        typeToConfirm={app.environment === "production" ? app.name : undefined}
        loading={rollback.isPending}
        confirmDisabled={!gate.ready}
        onConfirm={() => target && rollback.mutate({ name: app.name, releaseNumber: target.number, ...gate.fields })}
        onClose={close}
      >
        {target && (
          <>
            <Text fz="sm">
              Wheelhouse deploys exactly this image, with release #{target.number}'s configuration, and switches traffic
              once it is healthy:
            </Text>
            <Code block style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }} data-testid="rollback-digest">
              {target.imageDigest}
            </Code>
            <Text fz="xs" c="dimmed">
              from {target.imageRef}
            </Text>
            <GateFields gate={gate} reasonPlaceholder="Release 4 double-charges; 3 did not" />
          </>
        )}
        {rollback.error && (
          <Text fz="sm" c="red" role="alert">
            {errorMessage(rollback.error)}
          </Text>
        )}
      </ConfirmModal>
    </>
  );
}
