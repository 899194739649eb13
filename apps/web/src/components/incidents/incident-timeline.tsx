"use client";
// The incident's timeline, oldest first: what was noticed (signals, alerts), what people decided
// (status, severity, lead, notes), what ran (runbook steps with their results), and what changed
// around it (deployments of the app, shells opened on its containers or hosts, with recordings,
// approval requests with their decisions).
import { Anchor, Badge, Button, Group, Text, ThemeIcon, Timeline } from "@mantine/core";
import {
  type Icon,
  IconAlertTriangle,
  IconBell,
  IconChecklist,
  IconFileText,
  IconFlag,
  IconNote,
  IconPlayerPlay,
  IconRocket,
  IconShieldCheck,
  IconSquareCheck,
  IconTerminal2,
  IconUrgent,
  IconUser,
} from "@tabler/icons-react";
import type { DeploymentKind, StepOutcome, TimelineEntry, TimelineKind } from "@wheelhouse/shared";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { DeploymentStatusBadge } from "../apps/deployment-status-badge";
import { deploymentPath, KIND_LABELS } from "../apps/format";
import { RelativeTime } from "../relative-time";
import { RecordingModal } from "../terminal/terminal-sessions-table";
import { describeApproval } from "./approval-entry";
import { IncidentStatusBadge, SeverityBadge, StepOutcomeBadge } from "./incident-badges";

const ICONS: Record<TimelineKind, { icon: Icon; color: string }> = {
  opened: { icon: IconUrgent, color: "red" },
  signal: { icon: IconBell, color: "orange" },
  status: { icon: IconFlag, color: "indigo" },
  severity: { icon: IconAlertTriangle, color: "orange" },
  lead: { icon: IconUser, color: "gray" },
  note: { icon: IconNote, color: "gray" },
  "runbook.attached": { icon: IconChecklist, color: "indigo" },
  "runbook.step": { icon: IconSquareCheck, color: "teal" },
  postmortem: { icon: IconFileText, color: "gray" },
  deployment: { icon: IconRocket, color: "blue" },
  shell: { icon: IconTerminal2, color: "grape" },
  approval: { icon: IconShieldCheck, color: "yellow" },
};

/** Manual steps are ticked (done/undone); checks pass, fail or error. */
function isManualOutcome(outcome: StepOutcome): boolean {
  return outcome === "done" || outcome === "undone";
}

function isDeploymentKind(kind: string): kind is DeploymentKind {
  return kind in KIND_LABELS;
}

/** The one-line title and the optional body of an entry. */
function describe(
  entry: TimelineEntry,
  app: string | null,
  play: (sessionId: string) => void,
): { title: ReactNode; body?: ReactNode } {
  switch (entry.kind) {
    case "opened":
      return {
        title: (
          <Group gap={6}>
            Opened {entry.data.source === "signal" ? "by a signal" : "by hand"} as
            <SeverityBadge severity={entry.data.severity} />
          </Group>
        ),
        body: entry.data.summary || undefined,
      };
    case "signal": {
      const what = entry.data.kind === "alert" ? "Alert" : "Signal";
      return {
        title: (
          <Group gap={6}>
            {what} {entry.data.kind === "alert" ? "" : entry.data.kind}
            <Badge size="xs" variant="light" color={entry.data.state === "firing" ? "red" : "teal"}>
              {entry.data.state}
            </Badge>
          </Group>
        ),
        body: entry.data.summary,
      };
    }
    case "status":
      return {
        title: (
          <Group gap={6}>
            Status <IncidentStatusBadge status={entry.data.from} /> → <IncidentStatusBadge status={entry.data.to} />
          </Group>
        ),
      };
    case "severity":
      return {
        title: (
          <Group gap={6}>
            Severity <SeverityBadge severity={entry.data.from} /> → <SeverityBadge severity={entry.data.to} />
          </Group>
        ),
      };
    case "lead":
      return { title: entry.data.leadEmail ? `Lead: ${entry.data.leadEmail}` : "Nobody leads now" };
    case "note":
      return { title: "Note", body: <span style={{ whiteSpace: "pre-wrap" }}>{entry.data.text}</span> };
    case "runbook.attached":
      return {
        title: (
          <>
            Runbook {/* Inside a sentence a link is underlined: colour alone is not enough (WCAG 1.4.1). */}
            <Anchor
              component={Link}
              href={`/runbooks/${encodeURIComponent(entry.data.slug)}`}
              inherit
              underline="always"
            >
              {entry.data.title}
            </Anchor>{" "}
            v{entry.data.version} attached {entry.data.by === "rule" ? "by its rules" : "by hand"}
          </>
        ),
      };
    case "runbook.step":
      return {
        title: (
          <Group gap={6}>
            {isManualOutcome(entry.data.outcome) ? "Step" : "Check"} “{entry.data.stepTitle}”
            <StepOutcomeBadge outcome={entry.data.outcome} />
            {entry.data.automatic && (
              <Text span fz="xs" c="dimmed">
                run automatically
              </Text>
            )}
          </Group>
        ),
        body: entry.data.finding ?? undefined,
      };
    case "postmortem":
      return { title: "Postmortem saved", body: entry.data.summary || undefined };
    case "deployment": {
      const label = isDeploymentKind(entry.data.kind) ? KIND_LABELS[entry.data.kind] : entry.data.kind;
      const release = entry.data.releaseNumber !== null ? ` of release #${entry.data.releaseNumber}` : "";
      return {
        title: (
          <Group gap={6}>
            {app ? (
              <Anchor component={Link} href={deploymentPath(app, entry.data.deploymentId)} inherit>
                {label}
                {release}
              </Anchor>
            ) : (
              `${label}${release}`
            )}
            <DeploymentStatusBadge status={entry.data.status} />
          </Group>
        ),
        body: entry.data.failureReason ?? undefined,
      };
    }
    case "shell": {
      const where = entry.data.containerName
        ? `${entry.data.containerName} on ${entry.data.hostName}`
        : `host ${entry.data.hostName}`;
      return {
        title: `Shell in ${where}`,
        body: (
          <Group gap="xs">
            <Text fz="sm" c="dimmed">
              {entry.data.endedAt ? (
                <>
                  ended <RelativeTime value={entry.data.endedAt} />
                </>
              ) : (
                "still open"
              )}
            </Text>
            {entry.data.hasRecording && entry.data.endedAt && (
              <Button
                size="compact-xs"
                variant="light"
                leftSection={<IconPlayerPlay size={12} />}
                onClick={() => play(entry.data.sessionId)}
                aria-label={`Play the recording of the shell in ${where}`}
              >
                Play recording
              </Button>
            )}
          </Group>
        ),
      };
    }
    case "approval":
      return describeApproval(entry.data);
  }
}

export function IncidentTimeline({ entries, app }: { entries: TimelineEntry[]; app: string | null }) {
  const [playing, setPlaying] = useState<string | null>(null);
  return (
    <>
      <Timeline bulletSize={28} lineWidth={2} aria-label="Timeline" data-testid="incident-timeline">
        {entries.map((entry) => {
          const { icon: EntryIcon, color } = ICONS[entry.kind];
          const { title, body } = describe(entry, app, setPlaying);
          return (
            <Timeline.Item
              key={entry.id}
              data-kind={entry.kind}
              data-testid={`timeline-${entry.kind}`}
              bullet={
                <ThemeIcon size={28} radius="xl" variant="light" color={color} aria-hidden>
                  <EntryIcon size={16} />
                </ThemeIcon>
              }
              title={
                <Text fz="sm" fw={500} component="div">
                  {title}
                </Text>
              }
            >
              {body !== undefined && (
                <Text fz="sm" mt={2} component="div">
                  {body}
                </Text>
              )}
              <Text fz="xs" c="dimmed" mt={2}>
                {entry.actor ?? "Wheelhouse"} · <RelativeTime value={entry.at} />
              </Text>
            </Timeline.Item>
          );
        })}
      </Timeline>
      {playing && <RecordingModal id={playing} onClose={() => setPlaying(null)} />}
    </>
  );
}
