"use client";
// Settings → Alerts and metrics: the team's two machine tokens. The signal token lets Alertmanager
// open incidents (its webhook receiver block, ready to paste); the discovery token lets Prometheus
// find every app instance with metrics (its scrape job, ready to paste). A token is shown whole
// once, when created or rotated. Admins act (signals.manage); everyone else sees whether they exist.
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Modal,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconAlertTriangle, IconKey, IconRefresh } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  alertmanagerReceiverSnippet,
  prometheusScrapeSnippet,
  type SignalTokenKind,
  type SignalTokens,
} from "@wheelhouse/shared";
import type { ReactNode } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { CopyField } from "../settings/create-api-key-modal";

interface KindWords {
  title: string;
  tokenName: string;
  explanation: ReactNode;
  snippetLabel: string;
  snippet: (url: string, token: string) => string;
  /** What stops working when the token is rotated or revoked. */
  consequence: string;
}

const KINDS: Record<SignalTokenKind, KindWords> = {
  signals: {
    title: "Alertmanager",
    tokenName: "signal token",
    explanation: (
      <>
        Alerts routed to this receiver become signals: labels <Code>app</Code> and <Code>host</Code> attach them,{" "}
        <Code>severity</Code> sets SEV1–SEV4, and the same alert firing again adds to its open incident.
      </>
    ),
    snippetLabel: "In alertmanager.yml (route the alerts to receiver wheelhouse)",
    snippet: alertmanagerReceiverSnippet,
    consequence: "Alertmanager's notifications are refused, and alerts no longer open incidents",
  },
  prometheus: {
    title: "Prometheus",
    tokenName: "discovery token",
    explanation: (
      <>
        One scrape job finds every running instance of apps with a metrics path, labelled <Code>app</Code>,{" "}
        <Code>environment</Code>, <Code>host</Code>, <Code>release</Code> and <Code>instance</Code>, as deploys come and
        go.
      </>
    ),
    snippetLabel: "In prometheus.yml",
    snippet: (url, token) => prometheusScrapeSnippet(url, token),
    consequence: "Prometheus's service discovery is refused, and it stops finding new instances",
  },
};

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export function AlertsMetricsCard() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.signals.tokens.queryOptions());
  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="alerts-metrics-heading">
      <Title order={2} fz="h3" id="alerts-metrics-heading">
        Alerts and metrics
      </Title>
      <Text fz="sm" c="dimmed" mb="md">
        Connect your team's Prometheus and Alertmanager: alerts open incidents, and Prometheus scrapes your apps.
      </Text>
      {tokens.isPending ? (
        <Skeleton height={160} radius="lg" />
      ) : tokens.error ? (
        <Alert color="red" icon={<IconAlertCircle />}>
          {errorMessage(tokens.error)}
        </Alert>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <TokenBlock kind="signals" endpoint={tokens.data.signals} />
          <TokenBlock kind="prometheus" endpoint={tokens.data.prometheus} />
        </SimpleGrid>
      )}
    </Card>
  );
}

function TokenBlock({ kind, endpoint }: { kind: SignalTokenKind; endpoint: SignalTokens[SignalTokenKind] }) {
  const words = KINDS[kind];
  const mayManage = useCan("signals.manage");
  const { url, token } = endpoint;
  const headingId = `${kind}-token-heading`;
  return (
    <Stack gap="sm" component="section" aria-labelledby={headingId}>
      <Title order={3} fz="h4" id={headingId}>
        {words.title}
      </Title>
      <Text fz="sm" c="dimmed">
        {words.explanation}
      </Text>
      <CopyField label="URL" value={url} testId={`${kind}-url`} />
      <Group justify="space-between" align="center">
        <div>
          <Text fz="sm" fw={500}>
            {capitalised(words.tokenName)}
          </Text>
          {token ? (
            <Text fz="sm" data-testid={`${kind}-token`}>
              <Code>{token.prefix}…</Code> created <RelativeTime value={token.createdAt} />
              {token.createdBy ? ` by ${token.createdBy}` : ""}
            </Text>
          ) : (
            <Badge variant="light" color="gray" data-testid={`${kind}-token`}>
              none yet
            </Badge>
          )}
        </div>
        {mayManage && <TokenActions kind={kind} prefix={token?.prefix ?? null} />}
      </Group>
      {!mayManage && (
        <Text fz="xs" c="dimmed">
          Only admins create, rotate and revoke this token.
        </Text>
      )}
      <Stack gap={4}>
        <Text fz="sm" fw={500}>
          {words.snippetLabel}
        </Text>
        <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }} data-testid={`${kind}-snippet`}>
          {words.snippet(url, token ? `${token.prefix}…` : `<${words.tokenName}>`)}
        </Code>
      </Stack>
    </Stack>
  );
}

function TokenActions({ kind, prefix }: { kind: SignalTokenKind; prefix: string | null }) {
  const words = KINDS[kind];
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.signals.tokens.queryKey() });
  const create = useMutation(
    trpc.signals.createToken.mutationOptions({
      onSuccess: refresh,
      onError: (error) => notifications.show({ color: "red", title: "No token made", message: errorMessage(error) }),
    }),
  );
  const revoke = useMutation(
    trpc.signals.revokeToken.mutationOptions({
      onSuccess: () => {
        notifications.show({
          color: "teal",
          title: `${words.title} ${words.tokenName} revoked`,
          message: `${words.consequence} from now on.`,
        });
        return refresh();
      },
      onError: (error) => notifications.show({ color: "red", title: "Not revoked", message: errorMessage(error) }),
    }),
  );
  const confirm = (action: "rotate" | "revoke") =>
    modals.openConfirmModal({
      title: action === "rotate" ? `Rotate the ${words.tokenName}?` : `Revoke the ${words.tokenName}?`,
      children: (
        <Text fz="sm">
          The token starting <Code>{prefix}</Code> stops working at once: {words.consequence.toLowerCase()}
          {action === "rotate" ? " until you paste the new one into its configuration." : "."}
        </Text>
      ),
      labels: { confirm: action === "rotate" ? "Rotate token" : "Revoke token", cancel: "Cancel" },
      confirmProps: { color: action === "rotate" ? "orange" : "red" },
      onConfirm: () => (action === "rotate" ? create.mutate({ kind }) : revoke.mutate({ kind })),
    });

  return (
    <>
      <Group gap="xs">
        {prefix ? (
          <>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              onClick={() => confirm("rotate")}
              loading={create.isPending}
              aria-label={`Rotate the ${words.title} ${words.tokenName}`}
            >
              Rotate
            </Button>
            <Button
              variant="subtle"
              color="red"
              onClick={() => confirm("revoke")}
              loading={revoke.isPending}
              aria-label={`Revoke the ${words.title} ${words.tokenName}`}
            >
              Revoke
            </Button>
          </>
        ) : (
          <Button
            leftSection={<IconKey size={16} />}
            onClick={() => create.mutate({ kind })}
            loading={create.isPending}
            aria-label={`Create token for ${words.title} (the ${words.tokenName})`}
          >
            Create token
          </Button>
        )}
      </Group>
      <Modal
        opened={create.data !== undefined}
        onClose={() => create.reset()}
        title={`Your ${words.title} ${words.tokenName}`}
        size="lg"
        centered
      >
        {create.data && (
          <Stack>
            <Alert color="orange" icon={<IconAlertTriangle />} title="Copy it now">
              This is the only time the whole token is shown. Wheelhouse keeps only a hash; if you lose it, rotate it.
              {create.data.rotated ? " The previous token no longer works." : ""}
            </Alert>
            <CopyField label={capitalised(words.tokenName)} value={create.data.token} testId={`${kind}-new-token`} />
            <CopyField
              label={words.snippetLabel}
              value={words.snippet(create.data.url, create.data.token)}
              testId={`${kind}-new-snippet`}
            />
            <Group justify="flex-end">
              <Button onClick={() => create.reset()}>I have copied it</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
