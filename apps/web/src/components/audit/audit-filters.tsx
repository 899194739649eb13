"use client";
// The Audit page's filters: who, what, on what, how it ended, and when. They are the export's
// filters too (auditFilterSchema), so what is listed is what is downloaded.
import { Button, Group, Select, TextInput } from "@mantine/core";
import { IconDownload, IconSearch } from "@tabler/icons-react";
import { AUDIT_OUTCOMES, type AuditExportFormat, type AuditFilter, auditFilterSchema } from "@wheelhouse/shared";

export interface AuditFilterDraft {
  actor: string;
  action: string;
  target: string;
  outcome: AuditFilter["outcome"] | null;
  /** `datetime-local` values: the browser's local time, no zone. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterDraft = {
  actor: "",
  action: "",
  target: "",
  outcome: null,
  from: "",
  to: "",
};

const OUTCOME_LABELS: Record<(typeof AUDIT_OUTCOMES)[number], string> = {
  success: "Success",
  failure: "Failure",
  denied: "Denied",
};

/** A draft as the search takes it: blanks left out, local times as instants; invalid fields named. */
export function toAuditFilter(draft: AuditFilterDraft): {
  filter: AuditFilter;
  errors: Partial<Record<keyof AuditFilterDraft, string>>;
} {
  const instant = (value: string) => (value ? new Date(value).toISOString() : undefined);
  const candidate = {
    actor: draft.actor.trim() || undefined,
    action: draft.action.trim() || undefined,
    target: draft.target.trim() || undefined,
    outcome: draft.outcome ?? undefined,
    from: instant(draft.from),
    to: instant(draft.to),
  };
  const errors: Partial<Record<keyof AuditFilterDraft, string>> = {};
  const filter: AuditFilter = {};
  for (const [name, value] of Object.entries(candidate) as [keyof AuditFilter, string | undefined][]) {
    if (value === undefined) continue;
    const parsed = auditFilterSchema.shape[name].safeParse(value);
    if (parsed.success) Object.assign(filter, { [name]: parsed.data });
    else errors[name] = parsed.error.issues[0]?.message ?? "Not a valid value.";
  }
  if (filter.from && filter.to && filter.from >= filter.to) errors.to = "Pick a time after From.";
  return { filter, errors };
}

export function auditExportHref(filter: AuditFilter, format: AuditExportFormat): string {
  const params = new URLSearchParams({ format });
  for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
  return `/api/v1/audit/export?${params}`;
}

export function AuditFilters({
  draft,
  onChange,
  errors,
  exportFilter,
}: {
  draft: AuditFilterDraft;
  onChange: (draft: AuditFilterDraft) => void;
  errors: Partial<Record<keyof AuditFilterDraft, string>>;
  /** The filters in force (the debounced, valid ones): what the export links carry. */
  exportFilter: AuditFilter;
}) {
  const set = (name: keyof AuditFilterDraft) => (event: React.ChangeEvent<HTMLInputElement>) =>
    onChange({ ...draft, [name]: event.currentTarget.value });
  const filtered = Object.values(draft).some(Boolean);
  return (
    <>
      <Group mb="xs" gap="sm" wrap="wrap" align="flex-start">
        <TextInput
          label="Person"
          placeholder="email, exactly"
          value={draft.actor}
          onChange={set("actor")}
          error={errors.actor}
          w={220}
        />
        <TextInput
          label="Action"
          placeholder="apps.rollback or apps.*"
          leftSection={<IconSearch size={16} />}
          value={draft.action}
          onChange={set("action")}
          error={errors.action}
          w={220}
        />
        <TextInput
          label="Target"
          placeholder="an app, user or request id"
          value={draft.target}
          onChange={set("target")}
          error={errors.target}
          w={200}
        />
        <Select
          label="Outcome"
          placeholder="Any"
          clearable
          data={AUDIT_OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value] }))}
          value={draft.outcome}
          onChange={(value) => onChange({ ...draft, outcome: (value as AuditFilter["outcome"]) ?? null })}
          w={140}
        />
        <TextInput
          type="datetime-local"
          label="From"
          value={draft.from}
          onChange={set("from")}
          error={errors.from}
          w={210}
        />
        <TextInput type="datetime-local" label="To" value={draft.to} onChange={set("to")} error={errors.to} w={210} />
      </Group>
      <Group mb="md" gap="sm">
        <Button
          component="a"
          href={auditExportHref(exportFilter, "csv")}
          download
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          Export CSV
        </Button>
        <Button
          component="a"
          href={auditExportHref(exportFilter, "jsonl")}
          download
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          Export JSON lines
        </Button>
        {filtered && (
          <Button variant="subtle" onClick={() => onChange(EMPTY_AUDIT_FILTERS)}>
            Clear filters
          </Button>
        )}
      </Group>
    </>
  );
}
