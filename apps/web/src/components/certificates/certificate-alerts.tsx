"use client";
// What a certificate's page says above its facts: an order under way (with the directory it goes
// to), or the CA's problem with the last order, verbatim, and when it is tried again.
import { Alert, Code, Progress, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconClockX, IconLoader2 } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { CertificateDetail } from "@wheelhouse/shared";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { directoryLabel, isOrdering } from "./format";

/** Pending or Renewing: an indeterminate bar (the CA gives no progress) and where it orders from. */
export function OrderProgress({ certificate }: { certificate: CertificateDetail }) {
  const trpc = useTRPC();
  const ordering = isOrdering(certificate.status);
  const settings = useQuery(trpc.certificates.acmeSettings.queryOptions(undefined, { enabled: ordering }));
  if (!ordering) return null;
  const directory = settings.data ? directoryLabel(settings.data.directoryUrl) : "the ACME directory";
  const renewing = certificate.status === "Renewing";
  return (
    <Alert
      color="blue"
      icon={<IconLoader2 />}
      title={renewing ? `Renewing from ${directory}…` : `Ordering from ${directory}…`}
      mb="lg"
      data-testid="certificate-progress"
    >
      <Stack gap="xs">
        <Text fz="sm">
          The CA checks that {certificate.domain} answers its challenge through nginx on the app's hosts, then issues
          the certificate; this usually takes seconds.
          {renewing && " The current certificate keeps being served meanwhile."}
        </Text>
        <Progress
          value={100}
          striped
          animated
          size="sm"
          aria-label={renewing ? "Renewal in progress" : "Order in progress"}
        />
      </Stack>
    </Alert>
  );
}

/** Failed (or Expired after failures): the ACME problem document's type and detail as the CA sent them. */
export function CertificateProblem({ certificate }: { certificate: CertificateDetail }) {
  const { error, status, nextAttemptAt } = certificate;
  const expired = status === "Expired";
  if (status !== "Failed" && !expired) return null;
  const stillServed =
    status === "Failed" && certificate.notAfter !== null && new Date(certificate.notAfter) > new Date();
  const title = expired
    ? "This certificate has expired: visitors get a browser warning"
    : stillServed
      ? "The last renewal failed; the current certificate keeps being served"
      : "The order failed; nothing is served over HTTPS for this domain";
  return (
    <Alert
      color="red"
      variant="light"
      icon={expired ? <IconClockX /> : <IconAlertTriangle />}
      title={title}
      mb="lg"
      data-testid="certificate-problem"
    >
      <Stack gap="xs">
        {error && (
          <>
            <Code
              block
              data-testid="certificate-problem-type"
              style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
            >
              {error.type}
            </Code>
            <Text
              fz="sm"
              style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
              data-testid="certificate-problem-detail"
            >
              {error.detail}
            </Text>
          </>
        )}
        <Text fz="sm" fw={500}>
          {nextAttemptAt ? (
            <>
              Next try <RelativeTime value={nextAttemptAt} /> ({new Date(nextAttemptAt).toLocaleString()})
              {certificate.failures > 1 ? `, after ${certificate.failures} failures in a row` : ""}.
            </>
          ) : (
            "No retry is scheduled: press Renew now to order again."
          )}
        </Text>
      </Stack>
    </Alert>
  );
}
