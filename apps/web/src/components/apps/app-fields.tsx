"use client";
// The fields an app is made of, shared by the create form and the Settings tab. The parent owns
// the values and decides which errors to show (after a field is left, or on submit).
import {
  Anchor,
  Input,
  MultiSelect,
  NumberInput,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
} from "@mantine/core";
import {
  ENVIRONMENTS,
  type Environment,
  type NetworkMode,
  PULL_POLICIES,
  type PullPolicy,
  RESTART_POLICIES,
  type RestartPolicy,
} from "@wheelhouse/shared";
import Link from "next/link";
import type { ReactNode } from "react";
import type { AppField, AppFieldErrors, AppFormValues } from "./app-form-values";
import { EnvEditor } from "./env-editor";
import type { EnvRow } from "./env-rows";
import { FormSection, MONO_INPUT } from "./form-parts";
import { HealthCheckFields } from "./health-check-fields";

const RESTART_LABELS: Record<RestartPolicy, string> = {
  "unless-stopped": "unless-stopped — restart after crashes and reboots (recommended)",
  always: "always — restart even after a manual stop",
  "on-failure": "on-failure — restart only after a non-zero exit",
  no: "no — never restart automatically",
};

const PULL_LABELS: Record<PullPolicy, string> = {
  always: "always — ask the registry for the tag's current digest at each deploy (recommended)",
  "if-not-present": "if-not-present — use a local image when the host has one",
  never: "never — local images only, never pull",
};

export interface AppFieldsProps {
  values: AppFormValues;
  onChange: (patch: Partial<AppFormValues>) => void;
  onBlur: (field: AppField | "env") => void;
  errors: AppFieldErrors;
  envErrors: Record<string, string>;
  hostOptions: { value: string; label: string }[];
  /** Rendered first, above the image (the create form's name). */
  nameField?: ReactNode;
  /** Rendered in the Environment section after the variables (secrets). */
  secretsSection?: ReactNode;
}

export function AppFields({
  values,
  onChange,
  onBlur,
  errors,
  envErrors,
  hostOptions,
  nameField,
  secretsSection,
}: AppFieldsProps) {
  return (
    <Stack gap="lg">
      <FormSection legend="App">
        <Stack gap="sm">
          {nameField}
          <Input.Wrapper
            label="Environment"
            description="Production apps ask for their name before risky actions."
            labelElement="div"
          >
            <SegmentedControl
              aria-label="Environment"
              mt={4}
              data={ENVIRONMENTS.map((environment) => ({ value: environment, label: environment }))}
              value={values.environment}
              onChange={(value) => onChange({ environment: value as Environment })}
            />
          </Input.Wrapper>
          <TextInput
            label="Image"
            description="The Docker image to run; each deploy resolves it to an exact digest."
            placeholder="registry.example.com/team/app:1.4.2"
            required
            styles={MONO_INPUT}
            value={values.image}
            error={errors.image}
            onChange={(e) => onChange({ image: e.currentTarget.value })}
            onBlur={() => onBlur("image")}
            autoComplete="off"
            spellCheck={false}
          />
          <Select
            label="Pull policy"
            description="Where each deploy gets the image: the registry, or the host's own copy."
            data={PULL_POLICIES.map((policy) => ({ value: policy, label: PULL_LABELS[policy] }))}
            value={values.pullPolicy}
            allowDeselect={false}
            onChange={(value) => value && onChange({ pullPolicy: value as PullPolicy })}
          />
          <Switch
            label="Auto-deploy on push"
            description={
              <>
                Deploys the pushed digest when the team&apos;s registry hook reports a push of this image and tag. The
                hook is set up in{" "}
                <Anchor component={Link} href="/settings/registries" fz="inherit" underline="always">
                  Settings → Registries
                </Anchor>
                .
              </>
            }
            checked={values.autoDeploy}
            onChange={(event) => onChange({ autoDeploy: event.currentTarget.checked })}
          />
          {values.autoDeploy && values.pullPolicy === "never" && (
            <Text fz="xs" c="orange">
              With pull policy never, a pushed digest deploys only where the host already has that image.
            </Text>
          )}
        </Stack>
      </FormSection>

      <FormSection legend="Running">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <NumberInput
              label="Container port"
              description="The port the app listens on inside its container."
              placeholder="8080"
              required
              min={1}
              max={65_535}
              allowDecimal={false}
              allowNegative={false}
              value={values.port}
              error={errors.port}
              onChange={(port) => onChange({ port })}
              onBlur={() => onBlur("port")}
            />
            <NumberInput
              label="Replicas"
              description="Instances per host (1–20)."
              min={1}
              max={20}
              allowDecimal={false}
              allowNegative={false}
              value={values.replicas}
              error={errors.replicas}
              onChange={(replicas) => onChange({ replicas })}
              onBlur={() => onBlur("replicas")}
            />
          </SimpleGrid>
          <Radio.Group
            label="Network"
            description="How the host's nginx reaches the instances."
            value={values.network}
            onChange={(value) => onChange({ network: value as NetworkMode })}
          >
            <Stack gap={6} mt={6}>
              <Radio
                value="published"
                label="Published port"
                description="Docker maps a port on 127.0.0.1 to the container port (works for most apps)."
              />
              <Radio
                value="host"
                label="Host network"
                description="The container shares the host's network and must listen on the PORT Wheelhouse sets."
              />
            </Stack>
          </Radio.Group>
          <Select
            label="Restart policy"
            description="What Docker does when an instance exits."
            data={RESTART_POLICIES.map((policy) => ({ value: policy, label: RESTART_LABELS[policy] }))}
            value={values.restartPolicy}
            allowDeselect={false}
            onChange={(value) => value && onChange({ restartPolicy: value as RestartPolicy })}
          />
        </Stack>
      </FormSection>

      <HealthCheckFields values={values} onChange={onChange} onBlur={onBlur} errors={errors} />

      <FormSection legend="Where it runs">
        <Stack gap="sm">
          <MultiSelect
            label="Hosts"
            description="Each chosen host runs the replicas and routes the domains to them."
            placeholder={values.hosts.length === 0 ? "Choose hosts" : undefined}
            data={hostOptions}
            value={values.hosts}
            error={errors.hosts}
            onChange={(hosts) => onChange({ hosts })}
            onBlur={() => onBlur("hosts")}
            searchable
            nothingFoundMessage="No such host"
          />
          <TagsInput
            label="Domains"
            description="Names the hosts' nginx serves for this app. Press Enter after each."
            placeholder={values.domains.length === 0 ? "app.example.com" : undefined}
            value={values.domains}
            error={errors.domains}
            onChange={(domains) => onChange({ domains: domains.map((d) => d.trim().toLowerCase()) })}
            onBlur={() => onBlur("domains")}
            splitChars={[",", " "]}
            clearable
          />
        </Stack>
      </FormSection>

      <FormSection legend="Environment">
        <Stack gap="md">
          <Input.Wrapper
            label="Environment variables"
            description="Plain values, shown to anyone who can read the app. PORT is set by Wheelhouse."
            labelElement="div"
          >
            <Stack mt="xs">
              <EnvEditor
                kind="variable"
                rows={values.env}
                errors={envErrors}
                onChange={(env: EnvRow[]) => onChange({ env })}
                onBlur={() => onBlur("env")}
              />
            </Stack>
          </Input.Wrapper>
          {secretsSection}
        </Stack>
      </FormSection>
    </Stack>
  );
}
