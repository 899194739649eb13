import { Badge, Tooltip } from "@mantine/core";
import type { CertificateStatus } from "@wheelhouse/shared";
import { CERTIFICATE_STATUS_COLORS } from "../status";

const HINTS: Record<CertificateStatus, string> = {
  Pending: "Being ordered from the ACME directory; nothing is served over HTTPS yet.",
  Active: "Issued and served by nginx on the app's hosts; renewed on its own before it expires.",
  Renewing: "A new certificate is being ordered; the current one keeps being served.",
  Failed: "The last order failed; it is retried on its own. A certificate still valid keeps being served.",
  Expired: "Past its end date: visitors get a browser warning until it is renewed.",
};

export function CertificateStatusBadge({
  status,
  size = "md",
}: {
  status: CertificateStatus;
  size?: "sm" | "md" | "lg";
}) {
  return (
    <Tooltip label={HINTS[status]} multiline w={260} withArrow>
      <Badge
        variant="dot"
        size={size}
        color={CERTIFICATE_STATUS_COLORS[status]}
        data-testid="certificate-status"
        // Whole words: a narrow column must not cut "Renewing" short.
        style={{ overflow: "visible", flexShrink: 0 }}
      >
        {status}
      </Badge>
    </Tooltip>
  );
}
