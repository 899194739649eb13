"use client";
// The "Health checks" section of the app form: the deploy's gate (path and timeout) and live health
// (issue 13): where and how often the agent probes each live instance, what counts as Unhealthy,
// the optional liveness probe that restarts an instance, and where Prometheus scrapes metrics.
import { NumberInput, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import type { AppField, AppFieldErrors, AppFormValues } from "./app-form-values";
import { FormSection, MONO_INPUT } from "./form-parts";

interface HealthCheckFieldsProps {
  values: AppFormValues;
  onChange: (patch: Partial<AppFormValues>) => void;
  onBlur: (field: AppField) => void;
  errors: AppFieldErrors;
}

type NumberField =
  | "probePort"
  | "healthTimeoutSeconds"
  | "healthIntervalSeconds"
  | "healthProbeTimeoutSeconds"
  | "healthFailureThreshold"
  | "healthSuccessThreshold"
  | "metricsPort";

type TextField = "healthPath" | "livenessPath" | "metricsPath";

export function HealthCheckFields({ values, onChange, onBlur, errors }: HealthCheckFieldsProps) {
  const number = (field: NumberField, label: string, description: string, min: number, max: number) => (
    <NumberInput
      label={label}
      description={description}
      min={min}
      max={max}
      allowDecimal={false}
      allowNegative={false}
      value={values[field]}
      error={errors[field]}
      onChange={(value) => onChange({ [field]: value })}
      onBlur={() => onBlur(field)}
    />
  );
  const path = (field: TextField, label: string, description: string, placeholder: string) => (
    <TextInput
      label={label}
      description={description}
      placeholder={placeholder}
      styles={MONO_INPUT}
      value={values[field]}
      error={errors[field]}
      onChange={(e) => onChange({ [field]: e.currentTarget.value })}
      onBlur={() => onBlur(field)}
      autoComplete="off"
      spellCheck={false}
    />
  );
  return (
    <FormSection legend="Health checks">
      <Stack gap="sm">
        <Text fz="xs" c="dimmed">
          A new release goes live only after its readiness path answers 2xx or 3xx within the deploy timeout. Once live,
          each instance is probed again and again: failing readiness takes it out of nginx until it recovers, failing
          liveness restarts it. Changes apply from the next deploy.
        </Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          {path("healthPath", "Readiness path", "Decides whether an instance gets traffic.", "/health")}
          {number(
            "healthTimeoutSeconds",
            "Deploy timeout (seconds)",
            "How long a new release may take to be ready.",
            1,
            600,
          )}
          {number(
            "probePort",
            "Probe port",
            "The container port serving the probes; empty: the container port. Published on 127.0.0.1 only.",
            1,
            65_535,
          )}
          {path("livenessPath", "Liveness path", "Probed on the probe port; empty: no liveness probe.", "/live")}
          {number(
            "healthIntervalSeconds",
            "Probe interval (seconds)",
            "How often a live instance is probed (1–300).",
            1,
            300,
          )}
          {number(
            "healthProbeTimeoutSeconds",
            "Probe timeout (seconds)",
            "How long one probe may take (1–60, at most the interval).",
            1,
            60,
          )}
          {number(
            "healthFailureThreshold",
            "Failure threshold",
            "Failed probes in a row before Unhealthy, or before a restart for liveness (1–20).",
            1,
            20,
          )}
          {number(
            "healthSuccessThreshold",
            "Success threshold",
            "Passed probes in a row before Healthy again (1–20).",
            1,
            20,
          )}
          {path("metricsPath", "Metrics path", "Where the team's Prometheus scrapes the app; empty: none.", "/metrics")}
          {number(
            "metricsPort",
            "Metrics port",
            "The container port or the probe port; empty: the probe port.",
            1,
            65_535,
          )}
        </SimpleGrid>
      </Stack>
    </FormSection>
  );
}
