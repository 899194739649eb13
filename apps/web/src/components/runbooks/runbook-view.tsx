"use client";
// A runbook as people read it: what it is for, the symptoms it answers, the guide sections it
// covers, when it attaches by itself, and its steps (each check with its parameters, what a pass
// means and what a failure means).
import { Badge, Code, Group, List, Paper, Stack, Text, Title } from "@mantine/core";
import { type AttachRule, CHECK_TITLES, isCheckStep, type RunbookDefinition } from "@wheelhouse/shared";
import type { ReactNode } from "react";
import { Instructions } from "./instructions";

function ruleText(rule: AttachRule): string {
  const parts: string[] = [];
  if (rule.signal) parts.push(`signal ${rule.signal}`);
  if (rule.reason) parts.push(`reason ${rule.reason}`);
  if (rule.severity) parts.push(`severity ${rule.severity.join(" or ")}`);
  if (rule.environment) parts.push(`in ${rule.environment}`);
  return parts.join(", ");
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
        {title}
      </Text>
      {children}
    </Stack>
  );
}

export function RunbookView({ runbook }: { runbook: RunbookDefinition }) {
  return (
    <Stack gap="lg">
      <Paper withBorder radius="lg" p="lg">
        <Stack gap="md">
          <Text fz="sm">{runbook.summary}</Text>
          {runbook.sources.length > 0 && (
            <Section title="Covers">
              <Text fz="sm">{runbook.sources.join("; ")}</Text>
            </Section>
          )}
          {runbook.symptoms.length > 0 && (
            <Section title="Symptoms">
              <List size="sm" spacing={2}>
                {runbook.symptoms.map((symptom) => (
                  <List.Item key={symptom}>{symptom}</List.Item>
                ))}
              </List>
            </Section>
          )}
          <Section title="Attaches by itself when">
            {runbook.attach.length > 0 ? (
              <List size="sm" spacing={2}>
                {runbook.attach.map((rule) => (
                  <List.Item key={ruleText(rule)}>{ruleText(rule)}</List.Item>
                ))}
              </List>
            ) : (
              <Text fz="sm" c="dimmed">
                Never: it is attached by hand.
              </Text>
            )}
          </Section>
        </Stack>
      </Paper>
      <section aria-labelledby="steps-heading">
        <Title order={2} fz="h4" mb="sm" id="steps-heading">
          Steps
        </Title>
        <Stack gap="xs">
          {runbook.steps.map((step, index) => (
            <Paper key={step.id} withBorder radius="md" p="sm" data-testid={`runbook-step-${step.id}`}>
              <Stack gap={4}>
                <Group gap="xs">
                  <Text fz="sm" c="dimmed" ff="monospace">
                    {index + 1}.
                  </Text>
                  <Text fz="sm" fw={600}>
                    {step.title}
                  </Text>
                  {isCheckStep(step) ? (
                    <>
                      <Badge size="xs" variant="light" color="indigo">
                        automatic
                      </Badge>
                      <Badge size="xs" variant="outline" color="gray">
                        {CHECK_TITLES[step.check]}
                      </Badge>
                      {step.auto && (
                        <Badge size="xs" variant="light" color="teal">
                          runs when attached
                        </Badge>
                      )}
                    </>
                  ) : (
                    <Badge size="xs" variant="light" color="gray">
                      manual
                    </Badge>
                  )}
                </Group>
                {step.instructions && <Instructions text={step.instructions} />}
                {isCheckStep(step) && (
                  <>
                    <Text fz="xs">
                      Check <Code>{step.check}</Code>
                      {step.params && Object.keys(step.params).length > 0 && (
                        <>
                          {" "}
                          with <Code>{JSON.stringify(step.params)}</Code>
                        </>
                      )}
                    </Text>
                    <Text fz="xs">
                      <b>Pass means:</b> {step.expect}
                    </Text>
                    <Text fz="xs">
                      <b>On failure:</b> {step.onFail}
                    </Text>
                  </>
                )}
              </Stack>
            </Paper>
          ))}
        </Stack>
      </section>
    </Stack>
  );
}
