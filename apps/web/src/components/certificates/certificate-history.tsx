"use client";
// A certificate's history, newest first: asked for, orders placed, issued or renewed, failures with
// the CA's words, expiry. Each entry says what happened in words and when.
import { Text, ThemeIcon, Timeline } from "@mantine/core";
import {
  type Icon,
  IconAlertTriangle,
  IconCertificate,
  IconClockX,
  IconHandFinger,
  IconLoader2,
  IconPlayerPause,
  IconRefresh,
  IconUpload,
} from "@tabler/icons-react";
import type { CertificateDetail } from "@wheelhouse/shared";
import { RelativeTime } from "../relative-time";
import { eventKindLabel, eventWords, withKeys } from "./format";

const ICONS: Record<string, { icon: Icon; color: string }> = {
  requested: { icon: IconHandFinger, color: "gray" },
  "order-started": { icon: IconLoader2, color: "blue" },
  "renewal-started": { icon: IconLoader2, color: "blue" },
  issued: { icon: IconCertificate, color: "teal" },
  renewed: { icon: IconRefresh, color: "teal" },
  failed: { icon: IconAlertTriangle, color: "red" },
  interrupted: { icon: IconPlayerPause, color: "gray" },
  uploaded: { icon: IconUpload, color: "indigo" },
  expired: { icon: IconClockX, color: "red" },
};
const OTHER = { icon: IconCertificate, color: "gray" };

const localTime = (iso: string) => new Date(iso).toLocaleString();

export function CertificateHistory({ events }: { events: CertificateDetail["events"] }) {
  if (events.length === 0) {
    return (
      <Text fz="sm" c="dimmed">
        Nothing has happened to this certificate yet.
      </Text>
    );
  }
  return (
    <Timeline bulletSize={28} lineWidth={2} aria-label="History" data-testid="certificate-history">
      {withKeys(events, (event) => `${event.at}|${event.kind}`).map(({ key, item: event }) => {
        const { icon: EventIcon, color } = ICONS[event.kind] ?? OTHER;
        return (
          <Timeline.Item
            key={key}
            data-kind={event.kind}
            bullet={
              <ThemeIcon size={28} radius="xl" variant="light" color={color} aria-hidden>
                <EventIcon size={16} />
              </ThemeIcon>
            }
            title={
              <Text fz="sm" fw={500} component="div">
                {eventKindLabel(event.kind)}
              </Text>
            }
          >
            <Text fz="sm" mt={2} style={{ overflowWrap: "anywhere" }}>
              {eventWords(event, localTime)}
            </Text>
            <Text fz="xs" c="dimmed" mt={2}>
              <RelativeTime value={event.at} />
            </Text>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
