// What "New runbook" starts from: one automatic step and one manual step, each field explained
// by its value, valid as it stands (so the editor opens without errors).
export const RUNBOOK_TEMPLATE = `id: my-runbook
version: 1
title: My runbook
summary: What this runbook is for, in a sentence or two.
sources:
  - Our own notes
symptoms:
  - What people see when this goes wrong
attach:
  - signal: instance.unhealthy
    environment: production
steps:
  - id: probe-readiness
    title: Probe the app's readiness on every instance
    check: http.probe
    params:
      target: app-readiness
    expect: every instance answers 2xx or 3xx
    onFail: An instance does not answer; its logs on the app page usually say why.
  - id: tell-the-team
    title: Tell the team
    instructions: Post in the team channel that the incident is being worked, and who leads.
`;
