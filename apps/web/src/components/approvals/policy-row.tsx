"use client";
// One editable approval policy: each field labelled with its row number for screen readers, the
// schema's message under the field it is about.
import { ActionIcon, Checkbox, NumberInput, Select, Stack, Table } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import {
  type ApprovalPolicy,
  GATED_ACTION_LABELS,
  GATED_ACTIONS,
  type GatedAction,
  POLICY_ENVIRONMENTS,
  type PolicyEnvironment,
  REVIEWER_ROLES,
} from "@wheelhouse/shared";
import { DurationInput } from "./duration-input";
import type { RowErrors } from "./policy-errors";

type ReviewerRole = (typeof REVIEWER_ROLES)[number];

export function PolicyRow({
  n,
  policy,
  errors,
  onChange,
  onRemove,
}: {
  n: number;
  policy: ApprovalPolicy;
  errors: RowErrors;
  onChange: (policy: ApprovalPolicy) => void;
  onRemove: () => void;
}) {
  return (
    <Table.Tr data-testid={`policy-${n}`}>
      <Table.Td>
        <Select
          aria-label={`Policy ${n}: action`}
          w={160}
          data={GATED_ACTIONS.map((value) => ({ value, label: GATED_ACTION_LABELS[value] }))}
          value={policy.action}
          allowDeselect={false}
          error={errors.row}
          onChange={(value) => value && onChange({ ...policy, action: value as GatedAction })}
        />
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Policy ${n}: environment`}
          w={130}
          data={[...POLICY_ENVIRONMENTS]}
          value={policy.environment}
          allowDeselect={false}
          onChange={(value) => value && onChange({ ...policy, environment: value as PolicyEnvironment })}
        />
      </Table.Td>
      <Table.Td>
        <NumberInput
          aria-label={`Policy ${n}: approvals`}
          w={80}
          min={1}
          max={5}
          allowDecimal={false}
          allowNegative={false}
          value={policy.approvals}
          error={errors.approvals}
          onChange={(value) => onChange({ ...policy, approvals: typeof value === "number" ? value : 0 })}
        />
      </Table.Td>
      <Table.Td>
        <Checkbox.Group
          aria-label={`Policy ${n}: reviewer roles`}
          value={policy.reviewerRoles}
          error={errors.reviewerRoles}
          onChange={(value) => onChange({ ...policy, reviewerRoles: value as ReviewerRole[] })}
        >
          {/* One under the other: side by side, the row no longer fits a laptop's width. */}
          <Stack gap={6} mt={4}>
            {REVIEWER_ROLES.map((role) => (
              <Checkbox key={role} value={role} label={role} aria-label={`Policy ${n}: ${role} may review`} />
            ))}
          </Stack>
        </Checkbox.Group>
      </Table.Td>
      <Table.Td>
        <DurationInput
          label={`Policy ${n}: request expires after`}
          seconds={policy.requestExpirySeconds}
          error={errors.requestExpirySeconds}
          onChange={(seconds) => onChange({ ...policy, requestExpirySeconds: seconds })}
        />
      </Table.Td>
      <Table.Td>
        <DurationInput
          label={`Policy ${n}: approval valid for`}
          seconds={policy.approvalValiditySeconds}
          error={errors.approvalValiditySeconds}
          onChange={(seconds) => onChange({ ...policy, approvalValiditySeconds: seconds })}
        />
      </Table.Td>
      <Table.Td>
        <ActionIcon variant="subtle" color="red" aria-label={`Remove policy ${n}`} onClick={onRemove}>
          <IconTrash size={16} />
        </ActionIcon>
      </Table.Td>
    </Table.Tr>
  );
}
