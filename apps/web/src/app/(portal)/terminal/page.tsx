"use client";
// A shell in the browser. Opened from a container row (?host=…&container=…), the host page
// (?host=…&kind=host), or attached to a running session (?session=…, &watch=1 to watch read-only).
// Once open, the address names the session, so a reload attaches to it again.
import { Alert, Anchor, Badge, Button, CopyButton, Group, Paper, Stack, Text } from "@mantine/core";
import { IconAlertCircle, IconArrowLeft, IconCopy, IconPlayerStop } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import type { TerminalEnded, TerminalReady } from "@wheelhouse/shared";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useCallback, useState } from "react";
import { useTRPC } from "../../../client/trpc";
import { useStepUp } from "../../../components/account/step-up-provider";
import { PageHeader } from "../../../components/page-header";
import { RelativeTime } from "../../../components/relative-time";
import { TerminalView } from "../../../components/terminal/terminal-view";

type Start =
  | { kind: "container"; hostId: string; containerId: string; command: string[] | undefined }
  | { kind: "host"; hostId: string }
  | { kind: "instance"; instanceId: string }
  | { kind: "attach"; sessionId: string; mode: "control" | "watch" }
  | { kind: "invalid" };

function readStart(params: URLSearchParams): Start {
  const session = params.get("session");
  if (session) return { kind: "attach", sessionId: session, mode: params.get("watch") === "1" ? "watch" : "control" };
  const instanceId = params.get("instance");
  if (instanceId) return { kind: "instance", instanceId };
  const hostId = params.get("host");
  if (!hostId) return { kind: "invalid" };
  if (params.get("kind") === "host") return { kind: "host", hostId };
  const containerId = params.get("container");
  if (!containerId) return { kind: "invalid" };
  const command = params.getAll("arg");
  return { kind: "container", hostId, containerId, command: command.length > 0 ? command : undefined };
}

function TerminalPage() {
  const trpc = useTRPC();
  const params = useSearchParams();
  // Read once: the address changes to name the session, which must not start another one.
  const [start] = useState(() => readStart(params));
  const [ready, setReady] = useState<TerminalReady | null>(null);
  const [ended, setEnded] = useState<TerminalEnded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [closeSignal, setCloseSignal] = useState(0);
  const openContainer = useMutation(trpc.terminal.openContainer.mutationOptions());
  const openHost = useMutation(trpc.terminal.openHost.mutationOptions());
  const openInstance = useMutation(trpc.terminal.openInstance.mutationOptions());
  const attach = useMutation(trpc.terminal.attach.mutationOptions());
  // A host shell may first ask for a fresh code from the authenticator (step-up).
  const withStepUp = useStepUp();

  const mint = useCallback(
    async (size: { cols: number; rows: number }) => {
      if (start.kind === "container") {
        const { hostId, containerId, command } = start;
        return (await openContainer.mutateAsync({ hostId, containerId, command, size })).token;
      }
      if (start.kind === "host") {
        const hostId = start.hostId;
        return (await withStepUp(() => openHost.mutateAsync({ hostId, size }))).token;
      }
      if (start.kind === "instance") {
        return (await openInstance.mutateAsync({ instanceId: start.instanceId, size })).token;
      }
      if (start.kind === "attach") {
        return (await attach.mutateAsync({ sessionId: start.sessionId, mode: start.mode })).token;
      }
      throw new Error("This address names no container, host or session. Open a shell from a host's page.");
    },
    [start, openContainer.mutateAsync, openHost.mutateAsync, openInstance.mutateAsync, attach.mutateAsync, withStepUp],
  );

  const onReady = useCallback((info: TerminalReady) => {
    setReady(info);
    setProblem(null);
    const url = new URL(window.location.href);
    url.search = `?session=${encodeURIComponent(info.sessionId)}${info.mode === "watch" ? "&watch=1" : ""}`;
    window.history.replaceState(window.history.state, "", url);
  }, []);

  const where = ready
    ? ready.kind === "host"
      ? `host ${ready.hostName}`
      : `${ready.containerName ?? "container"} on ${ready.hostName}`
    : "";
  const watchLink =
    ready && typeof window !== "undefined"
      ? `${window.location.origin}/terminal?session=${encodeURIComponent(ready.sessionId)}&watch=1`
      : "";

  return (
    <Stack gap="sm" style={{ height: "calc(100dvh - 120px)", minHeight: 420 }}>
      <Anchor
        component={Link}
        href={ready ? `/hosts/${encodeURIComponent(ready.hostId)}` : "/hosts"}
        fz="sm"
        display="inline-flex"
        style={{ alignItems: "center", gap: 4 }}
      >
        <IconArrowLeft size={14} /> {ready ? ready.hostName : "Hosts"}
      </Anchor>
      <PageHeader
        title={ready ? `Shell: ${where}` : "Shell"}
        description={
          ready ? `${ready.command.join(" ")} · opened by ${ready.owner} · recorded for the audit log` : "Connecting…"
        }
        actions={
          ready && (
            <Group gap="xs">
              {ended ? (
                <Badge color="gray" variant="light" size="lg">
                  Ended
                </Badge>
              ) : (
                <Badge color="teal" variant="light" size="lg">
                  Live
                </Badge>
              )}
              {ready.mode === "watch" && (
                <Badge color="yellow" variant="light" size="lg">
                  Watching, read-only
                </Badge>
              )}
              {!ended && (
                <CopyButton value={watchLink}>
                  {({ copied, copy }) => (
                    <Button variant="default" leftSection={<IconCopy size={16} />} onClick={copy}>
                      {copied ? "Copied" : "Copy watch link"}
                    </Button>
                  )}
                </CopyButton>
              )}
              {ready.mode === "control" && !ended && (
                <Button
                  color="red"
                  variant="light"
                  leftSection={<IconPlayerStop size={16} />}
                  onClick={() => setCloseSignal((n) => n + 1)}
                >
                  End session
                </Button>
              )}
            </Group>
          )
        }
      />
      {problem && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="Terminal unavailable">
          {problem}
        </Alert>
      )}
      {ended && (
        <Alert color="gray" title="This session has ended">
          {ended.message}
          {ended.exitCode !== null && ` Exit code ${ended.exitCode}.`} Its recording is on the{" "}
          <Anchor component={Link} href="/audit?tab=shells">
            Audit page
          </Anchor>
          .
        </Alert>
      )}
      <Paper withBorder radius="md" style={{ flex: 1, minHeight: 0, overflow: "hidden" }}>
        {start.kind === "invalid" ? (
          <Text p="md" c="dimmed">
            This address names no container, host or session. Open a shell from a host's page.
          </Text>
        ) : (
          <TerminalView
            mint={mint}
            onReady={onReady}
            onEnded={setEnded}
            onProblem={setProblem}
            closeSignal={closeSignal}
          />
        )}
      </Paper>
      {ready && (
        <Text fz="xs" c="dimmed">
          Started <RelativeTime value={new Date(ready.startedAt)} />. Copy: select and press Ctrl+Shift+C. Paste:
          Ctrl+Shift+V. A reload keeps the session; it closes after a period without input.
        </Text>
      )}
    </Stack>
  );
}

export default function TerminalRoute() {
  return (
    <Suspense>
      <TerminalPage />
    </Suspense>
  );
}
