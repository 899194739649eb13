"use client";
// The team's approval policies: which gated action, in which environment, waits for how many
// approvals from which roles, and for how long. Admins edit (approvals.policies.manage) with the
// schema's own messages under each field; everyone else reads. No saved policies: the defaults.
import { Alert, Badge, Button, Group, Paper, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconPlus, IconRestore } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type ApprovalPolicy,
  DEFAULT_APPROVAL_POLICIES,
  GATED_ACTION_LABELS,
  GATED_ACTIONS,
  POLICY_ENVIRONMENTS,
} from "@wheelhouse/shared";
import { useEffect, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { durationLabel, reviewersLabel } from "./format";
import { errorsByRow } from "./policy-errors";
import { PolicyRow } from "./policy-row";

/** The first pair of action and environment no policy names yet, so "Add" never makes a duplicate. */
function nextFree(policies: ApprovalPolicy[]): ApprovalPolicy | null {
  for (const environment of POLICY_ENVIRONMENTS)
    for (const action of GATED_ACTIONS)
      if (!policies.some((p) => p.action === action && p.environment === environment))
        return {
          action,
          environment,
          approvals: 1,
          reviewerRoles: ["approver", "admin"],
          requestExpirySeconds: 86_400,
          approvalValiditySeconds: 3_600,
        };
  return null;
}

function ReadOnlyRows({ policies }: { policies: ApprovalPolicy[] }) {
  return policies.map((policy) => (
    <Table.Tr key={`${policy.action} ${policy.environment}`}>
      <Table.Td>{GATED_ACTION_LABELS[policy.action]}</Table.Td>
      <Table.Td>{policy.environment}</Table.Td>
      <Table.Td>{reviewersLabel(policy.approvals, policy.reviewerRoles)}</Table.Td>
      <Table.Td>{durationLabel(policy.requestExpirySeconds)}</Table.Td>
      <Table.Td>{durationLabel(policy.approvalValiditySeconds)}</Table.Td>
    </Table.Tr>
  ));
}

export function ApprovalPoliciesEditor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayEdit = useCan("approvals.policies.manage");
  const stored = useQuery(trpc.approvals.policies.queryOptions());
  const [policies, setPolicies] = useState<ApprovalPolicy[] | null>(null);
  // Rows are keyed by a counter, not their place: removing one keeps the others' duration units.
  const [keys, setKeys] = useState<number[]>([]);
  const [nextKey, setNextKey] = useState(0);
  const load = (list: readonly ApprovalPolicy[]) => {
    setPolicies(list.map((p) => ({ ...p, reviewerRoles: [...p.reviewerRoles] })));
    setKeys(list.map((_, i) => nextKey + i));
    setNextKey(nextKey + list.length);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once, when the stored policies first arrive
  useEffect(() => {
    if (stored.data && policies === null) load(stored.data.policies);
  }, [stored.data, policies]);
  const save = useMutation(
    trpc.approvals.savePolicies.mutationOptions({
      onSuccess: async (saved) => {
        notifications.show({
          color: "teal",
          title: "Policies saved",
          message: "New requests follow them; requests already asked keep the policy they were asked under.",
        });
        queryClient.setQueryData(trpc.approvals.policies.queryKey(), saved);
        load(saved.policies);
        await queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
      },
    }),
  );

  if (stored.error)
    return (
      <Alert color="red" icon={<IconAlertCircle />}>
        {errorMessage(stored.error)}
      </Alert>
    );
  if (!policies || !stored.data) return null;
  const errors = errorsByRow(policies);
  const valid = errors.every((row) => Object.keys(row).length === 0);
  const dirty = JSON.stringify(policies) !== JSON.stringify(stored.data.policies);
  const free = nextFree(policies);

  return (
    <>
      <Group gap="xs" mb="sm">
        {stored.data.defaults && (
          <Badge variant="light" color="gray" data-testid="policies-defaults">
            Defaults
          </Badge>
        )}
        <Text fz="sm" c="dimmed">
          {stored.data.defaults ? "These are the defaults: nothing has been saved yet. " : ""}A policy for the app's own
          environment wins over one for “any”. An action no policy names runs at once.
        </Text>
      </Group>
      {save.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="sm" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={mayEdit ? 960 : 720}>
          <Table verticalSpacing="xs" aria-label="Approval policies">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Action</Table.Th>
                <Table.Th>Environment</Table.Th>
                <Table.Th>{mayEdit ? "Approvals" : "Needs"}</Table.Th>
                {mayEdit && <Table.Th>Reviewer roles</Table.Th>}
                <Table.Th>Request expires after</Table.Th>
                <Table.Th>Approval valid for</Table.Th>
                {mayEdit && <Table.Th aria-label="Removal" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {mayEdit ? (
                policies.map((policy, index) => (
                  <PolicyRow
                    key={keys[index]}
                    n={index + 1}
                    policy={policy}
                    errors={errors[index] ?? {}}
                    onChange={(changed) => setPolicies(policies.map((p, i) => (i === index ? changed : p)))}
                    onRemove={() => {
                      setPolicies(policies.filter((_, i) => i !== index));
                      setKeys(keys.filter((_, i) => i !== index));
                    }}
                  />
                ))
              ) : (
                <ReadOnlyRows policies={policies} />
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {policies.length === 0 && (
          <Text fz="sm" c="dimmed" p="md">
            No policies: every action runs at once, without approval.
            {mayEdit ? " Add one, or reset to the defaults (a production rollback waits for one approver)." : ""}
          </Text>
        )}
      </Paper>
      {mayEdit && (
        <Group justify="space-between" mt="md">
          <Group gap="xs">
            <Button
              variant="default"
              leftSection={<IconPlus size={16} />}
              disabled={free === null}
              onClick={() => {
                if (!free) return;
                setPolicies([...policies, free]);
                setKeys([...keys, nextKey]);
                setNextKey(nextKey + 1);
              }}
            >
              Add policy
            </Button>
            <Button
              variant="subtle"
              leftSection={<IconRestore size={16} />}
              onClick={() => load(DEFAULT_APPROVAL_POLICIES)}
            >
              Reset to defaults
            </Button>
          </Group>
          <Button disabled={!dirty || !valid} loading={save.isPending} onClick={() => save.mutate({ policies })}>
            Save policies
          </Button>
        </Group>
      )}
    </>
  );
}
