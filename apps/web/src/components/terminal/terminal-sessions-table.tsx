"use client";
// Shell sessions on the Audit page: who opened which shell where, how it ended, and its recording
// (played in the browser). Live sessions can be watched by a permitted person.
import { Alert, Badge, Button, Code, Group, Loader, Modal, Paper, Table, Text } from "@mantine/core";
import { IconEye, IconPlayerPlay, IconTerminal2 } from "@tabler/icons-react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { inStatusGroup, TERMINAL_END_REASONS, type TerminalEndReason } from "@wheelhouse/shared";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { EmptyState } from "../empty-state";
import { RelativeTime } from "../relative-time";
import { STATUS_COLORS } from "../status";
import { formatClock } from "./asciicast";
import { RecordingPlayer } from "./recording-player";

const REASONS: Record<TerminalEndReason, string> = {
  exited: "exited",
  closed: "closed",
  idle: "idle timeout",
  detached: "browser gone",
  "agent-lost": "agent lost",
  "portal-restart": "portal restart",
  failed: "failed to start",
  revoked: "access changed",
};

/** A session's recording in a modal (also opened from an incident's timeline). */
export function RecordingModal({ id, onClose }: { id: string; onClose: () => void }) {
  const trpc = useTRPC();
  const recording = useQuery(trpc.terminal.recording.queryOptions({ id }));
  const session = recording.data?.session;
  return (
    <Modal
      opened
      onClose={onClose}
      size="auto"
      title={
        session
          ? `${session.containerName ? `${session.containerName} on ${session.hostName}` : `host ${session.hostName}`} · ${session.user}`
          : "Recording"
      }
    >
      {recording.isPending && <Loader aria-label="Loading the recording" />}
      {recording.error && <Alert color="red">{errorMessage(recording.error)}</Alert>}
      {recording.data && (
        <>
          {recording.data.session.recordingTruncated && (
            <Alert color="yellow" mb="sm">
              This recording reached its size limit (TERMINAL_RECORDING_MAX_MB) and stops before the session did.
            </Alert>
          )}
          <RecordingPlayer text={recording.data.cast} />
        </>
      )}
    </Modal>
  );
}

export function TerminalSessionsTable() {
  const trpc = useTRPC();
  const [playing, setPlaying] = useState<string | null>(null);
  const query = useInfiniteQuery(
    trpc.terminal.sessions.infiniteQueryOptions(
      { limit: 25 },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 10_000 },
    ),
  );
  const sessions = query.data?.pages.flatMap((page) => page.sessions) ?? [];
  if (query.error) return <Alert color="red">{errorMessage(query.error)}</Alert>;
  if (query.isPending) return <Loader aria-label="Loading shell sessions" />;
  if (sessions.length === 0) {
    return (
      <EmptyState icon={IconTerminal2} title="No shell sessions yet">
        Every shell opened in a container or on a host, and every `wheelhouse exec`, appears here with who ran it,
        where, how it ended and a recording you can play back. Open one from a container's menu on a host's page.
      </EmptyState>
    );
  }
  return (
    <>
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="sm" aria-label="Shell sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Started</Table.Th>
                <Table.Th>Person</Table.Th>
                <Table.Th>Where</Table.Th>
                <Table.Th>Command</Table.Th>
                <Table.Th>Duration</Table.Th>
                <Table.Th>Ended</Table.Th>
                <Table.Th aria-label="Recording" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.map((s) => (
                <Table.Tr key={s.id} data-testid={`terminal-session-${s.id}`}>
                  <Table.Td>
                    <Text fz="sm">
                      <RelativeTime value={new Date(s.startedAt)} />
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{s.user}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Badge size="sm" variant="light" color={s.kind === "host" ? "red" : "blue"}>
                        {s.kind}
                      </Badge>
                      <Text fz="sm">{s.containerName ? `${s.containerName} on ${s.hostName}` : s.hostName}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Code>{s.command.join(" ") || "—"}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" ff="monospace">
                      {s.endedAt
                        ? formatClock((new Date(s.endedAt).getTime() - new Date(s.startedAt).getTime()) / 1000)
                        : "—"}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {s.live ? (
                      <Badge color={STATUS_COLORS.live} variant="light">
                        Live
                      </Badge>
                    ) : (
                      <Text fz="sm">
                        {s.endReason && inStatusGroup(TERMINAL_END_REASONS, s.endReason)
                          ? REASONS[s.endReason]
                          : (s.endReason ?? "—")}
                        {s.exitCode !== null && ` (exit ${s.exitCode})`}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {s.live && s.kind !== "exec" && (
                        <Button
                          size="xs"
                          variant="default"
                          component={Link}
                          href={`/terminal?session=${encodeURIComponent(s.id)}&watch=1`}
                          leftSection={<IconEye size={14} />}
                        >
                          Watch
                        </Button>
                      )}
                      {s.hasRecording && !s.live && (
                        <Button
                          size="xs"
                          variant="light"
                          leftSection={<IconPlayerPlay size={14} />}
                          onClick={() => setPlaying(s.id)}
                          aria-label={`Play the recording of ${s.user}'s session on ${s.containerName ?? s.hostName}`}
                        >
                          Play
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      {query.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={query.isFetchingNextPage} onClick={() => query.fetchNextPage()}>
            Older sessions
          </Button>
        </Group>
      )}
      {playing && <RecordingModal id={playing} onClose={() => setPlaying(null)} />}
    </>
  );
}
