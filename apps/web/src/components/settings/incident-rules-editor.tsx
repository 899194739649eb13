"use client";
// The team's incident rules: which signal opens an incident, at which severity. Checked in order,
// the first match deciding (packages/shared incidents/incident-rules.ts). Admins edit
// (signals.manage); everyone else reads.
import { ActionIcon, Alert, Badge, Button, Checkbox, Group, Paper, Select, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconArrowDown, IconArrowUp, IconPlus, IconRestore, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  DEFAULT_INCIDENT_RULES,
  type IncidentRule,
  incidentRulesSchema,
  RULE_ENVIRONMENTS,
  SEVERITIES,
  type Severity,
  SIGNAL_KINDS,
  type SignalKind,
} from "@wheelhouse/shared";
import { useEffect, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";

const KIND_LABELS: Record<SignalKind, string> = {
  "instance.unhealthy": "Instance unhealthy",
  "deployment.failed": "Deployment failed",
  "agent.lost": "Agent lost",
  "certificate.failed": "Certificate failed",
  "certificate.expiring": "Certificate expiring",
  alert: "Alertmanager alert",
};

/** "" in the severity select: the alert's own severity label (or SEV3), never a fixed one. */
const OWN_SEVERITY = "";

function RuleRow({
  rule,
  index,
  count,
  editable,
  onChange,
  onMove,
  onRemove,
}: {
  rule: IncidentRule;
  index: number;
  count: number;
  editable: boolean;
  onChange: (rule: IncidentRule) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  if (!editable)
    return (
      <Table.Tr>
        <Table.Td>{n}</Table.Td>
        <Table.Td>{KIND_LABELS[rule.kind]}</Table.Td>
        <Table.Td>{rule.environment}</Table.Td>
        <Table.Td>{rule.onlyWhenNoHealthyInstanceLeft ? "yes" : "—"}</Table.Td>
        <Table.Td>
          <Badge variant="light" color={rule.action === "open" ? "red" : "gray"}>
            {rule.action}
          </Badge>
        </Table.Td>
        <Table.Td>{rule.action === "open" ? (rule.severity ?? "from the alert") : "—"}</Table.Td>
      </Table.Tr>
    );
  return (
    <Table.Tr data-testid={`rule-${n}`}>
      <Table.Td>{n}</Table.Td>
      <Table.Td>
        <Select
          aria-label={`Rule ${n}: signal`}
          w={210}
          data={SIGNAL_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
          value={rule.kind}
          allowDeselect={false}
          onChange={(value) =>
            value &&
            onChange({
              ...rule,
              kind: value as SignalKind,
              onlyWhenNoHealthyInstanceLeft: value === "instance.unhealthy" && rule.onlyWhenNoHealthyInstanceLeft,
            })
          }
        />
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Rule ${n}: environment`}
          w={130}
          data={[...RULE_ENVIRONMENTS]}
          value={rule.environment}
          allowDeselect={false}
          onChange={(value) => value && onChange({ ...rule, environment: value as IncidentRule["environment"] })}
        />
      </Table.Td>
      <Table.Td>
        <Checkbox
          aria-label={`Rule ${n}: only when no healthy instance is left`}
          disabled={rule.kind !== "instance.unhealthy"}
          checked={rule.onlyWhenNoHealthyInstanceLeft}
          onChange={(event) => onChange({ ...rule, onlyWhenNoHealthyInstanceLeft: event.currentTarget.checked })}
        />
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Rule ${n}: action`}
          w={110}
          data={[
            { value: "open", label: "open" },
            { value: "ignore", label: "ignore" },
          ]}
          value={rule.action}
          allowDeselect={false}
          onChange={(value) => value && onChange({ ...rule, action: value as IncidentRule["action"] })}
        />
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Rule ${n}: severity`}
          w={150}
          disabled={rule.action === "ignore"}
          data={[
            { value: OWN_SEVERITY, label: rule.kind === "alert" ? "from the alert" : "SEV3 (default)" },
            ...SEVERITIES.map((level) => ({ value: level, label: level })),
          ]}
          // An ignoring rule has no severity: the field shows a dash instead of a value that means nothing.
          value={rule.action === "ignore" ? null : (rule.severity ?? OWN_SEVERITY)}
          placeholder="—"
          allowDeselect={false}
          onChange={(value) =>
            onChange({ ...rule, severity: value === null || value === OWN_SEVERITY ? null : (value as Severity) })
          }
        />
      </Table.Td>
      <Table.Td>
        <Group gap={2} wrap="nowrap">
          <ActionIcon
            variant="subtle"
            aria-label={`Move rule ${n} up`}
            disabled={index === 0}
            onClick={() => onMove(index - 1)}
          >
            <IconArrowUp size={16} />
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            aria-label={`Move rule ${n} down`}
            disabled={index === count - 1}
            onClick={() => onMove(index + 1)}
          >
            <IconArrowDown size={16} />
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" aria-label={`Remove rule ${n}`} onClick={onRemove}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

export function IncidentRulesEditor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayEdit = useCan("signals.manage");
  const stored = useQuery(trpc.incidents.rules.queryOptions());
  const [rules, setRules] = useState<IncidentRule[] | null>(null);
  useEffect(() => {
    if (stored.data && rules === null) setRules(stored.data.rules);
  }, [stored.data, rules]);
  const save = useMutation(
    trpc.incidents.saveRules.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: "teal", title: "Rules saved", message: "New signals follow them at once." });
        await queryClient.invalidateQueries({ queryKey: trpc.incidents.rules.queryKey() });
      },
    }),
  );

  if (stored.error)
    return (
      <Alert color="red" icon={<IconAlertCircle />}>
        {errorMessage(stored.error)}
      </Alert>
    );
  if (!rules) return null;
  const check = incidentRulesSchema.safeParse(rules);
  const dirty = JSON.stringify(rules) !== JSON.stringify(stored.data?.rules);
  const move = (from: number, to: number) =>
    setRules((current) => {
      if (!current) return current;
      const next = [...current];
      const [moved] = next.splice(from, 1);
      if (moved) next.splice(to, 0, moved);
      return next;
    });

  return (
    <>
      <Text fz="sm" c="dimmed" mb="sm">
        Rules are checked from the top; the first that matches a signal decides. A signal that matches none is ignored.
        A signal whose fingerprint matches an open incident always adds to that incident instead.
        {stored.data?.isDefault ? " These are the defaults: nothing has been saved yet." : ""}
      </Text>
      {save.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="sm" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={mayEdit ? 900 : 640}>
          <Table verticalSpacing="xs" aria-label="Incident rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>#</Table.Th>
                <Table.Th>Signal</Table.Th>
                <Table.Th>Environment</Table.Th>
                <Table.Th>Only when no healthy instance is left</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Severity</Table.Th>
                {mayEdit && <Table.Th aria-label="Order and removal" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.map((rule, index) => (
                <RuleRow
                  // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; a row's identity is its place in the order
                  key={index}
                  rule={rule}
                  index={index}
                  count={rules.length}
                  editable={mayEdit}
                  onChange={(changed) => setRules(rules.map((r, i) => (i === index ? changed : r)))}
                  onMove={(to) => move(index, to)}
                  onRemove={() => setRules(rules.filter((_, i) => i !== index))}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {rules.length === 0 && (
          <Text fz="sm" c="dimmed" p="md">
            No rules: every signal is ignored unless it matches an open incident.
            {mayEdit ? " Add one, or reset to the defaults." : ""}
          </Text>
        )}
      </Paper>
      {mayEdit && (
        <Group justify="space-between" mt="md">
          <Group gap="xs">
            <Button
              variant="default"
              leftSection={<IconPlus size={16} />}
              disabled={rules.length >= 100}
              onClick={() =>
                setRules([
                  ...rules,
                  {
                    kind: "alert",
                    environment: "any",
                    onlyWhenNoHealthyInstanceLeft: false,
                    action: "open",
                    severity: null,
                  },
                ])
              }
            >
              Add rule
            </Button>
            <Button
              variant="subtle"
              leftSection={<IconRestore size={16} />}
              onClick={() => setRules(DEFAULT_INCIDENT_RULES)}
            >
              Reset to defaults
            </Button>
          </Group>
          <Button disabled={!dirty || !check.success} loading={save.isPending} onClick={() => save.mutate({ rules })}>
            Save rules
          </Button>
        </Group>
      )}
    </>
  );
}
