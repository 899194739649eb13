"use client";
// The Settings tab: every field of the app, saved with apps.update. Most changes wait for the next
// deploy; domain changes reach nginx at once.
import { Alert, Button, Group, Paper, Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconInfoCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { App, UpdateAppInput } from "@wheelhouse/shared";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { AppFields } from "./app-fields";
import { formFromApp, healthInputFromForm, toNumber } from "./app-form-values";
import { rowsToMap } from "./env-rows";
import { type SecretChange, SecretsManager } from "./secrets-manager";
import { useAppForm } from "./use-app-form";

/** Equal as the server would store them: arrays as sets, maps by their entries. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return [...a].sort().join("\n") === [...b].sort().join("\n");
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const entries = (value: object) => JSON.stringify(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)));
    return entries(a) === entries(b);
  }
  return a === b;
}

export function AppSettingsForm({ app }: { app: App }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hostList = useQuery(trpc.hosts.list.queryOptions());
  const hosts = (hostList.data?.hosts ?? []).filter((host) => host.status !== "revoked");
  // The app's own hosts stay choosable even if the host list has not arrived or one was revoked.
  const hostOptions = [
    ...hosts.map((host) => ({ value: host.id, label: host.name })),
    ...app.hosts.filter((h) => !hosts.some((host) => host.id === h.id)).map((h) => ({ value: h.id, label: h.name })),
  ];
  const form = useAppForm(formFromApp(app), { creating: false, hostCount: hostOptions.length });
  const [secretChanges, setSecretChanges] = useState<Record<string, SecretChange>>({});
  const [tried, setTried] = useState(false);

  const update = useMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: async ({ app: saved }, input) => {
        form.reset(formFromApp(saved));
        setSecretChanges({});
        setTried(false);
        const domainsChanged = input.domains !== undefined && input.domains.join() !== app.domains.join();
        notifications.show({
          color: "teal",
          title: `${saved.name} saved`,
          message: domainsChanged
            ? "Domain changes are live now; the other changes apply at the next deploy."
            : "The changes apply at the next deploy.",
        });
        await queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
      },
    }),
  );
  const { values } = form;
  const errorAlert = useRef<HTMLDivElement>(null);
  // The refusal is shown beside the submit button; bring it into view in a long, scrolled form.
  useEffect(() => {
    if (update.error) errorAlert.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [update.error]);
  const errors = form.errors(update.error);
  const replacementErrors = Object.entries(secretChanges)
    .filter(([, change]) => change.kind === "replace" && change.value === "")
    .map(([key]) => `Type a new value for ${key}, or press Keep.`);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!form.attemptSubmit() || replacementErrors.length > 0) return;
    const secrets: NonNullable<UpdateAppInput["secrets"]> = rowsToMap(values.secrets);
    for (const [key, change] of Object.entries(secretChanges)) {
      secrets[key] = change.kind === "remove" ? null : change.value;
    }
    const next = {
      environment: values.environment,
      image: values.image.trim(),
      port: toNumber(values.port),
      healthPath: values.healthPath.trim(),
      healthTimeoutSeconds: toNumber(values.healthTimeoutSeconds),
      ...healthInputFromForm(values),
      replicas: toNumber(values.replicas),
      network: values.network,
      restartPolicy: values.restartPolicy,
      pullPolicy: values.pullPolicy,
      autoDeploy: values.autoDeploy,
      hosts: values.hosts,
      domains: values.domains,
      env: rowsToMap(values.env),
    };
    const current = { ...app, hosts: app.hosts.map((host) => host.id) };
    // Only what changed is sent, so the audit log names exactly the fields a person touched.
    const changed = Object.fromEntries(
      Object.entries(next).filter(([key, value]) => !sameValue(value, current[key as keyof typeof next])),
    ) as Partial<typeof next>;
    if (Object.keys(changed).length === 0 && Object.keys(secrets).length === 0) {
      notifications.show({ color: "gray", title: "Nothing to save", message: "The settings are as they were." });
      return;
    }
    update.mutate({ name: app.name, ...changed, ...(Object.keys(secrets).length > 0 ? { secrets } : {}) });
  };

  return (
    <Paper withBorder radius="lg" p="lg" maw={820}>
      <form onSubmit={submit} noValidate aria-label="App settings">
        <Stack>
          <Alert color="blue" variant="light" icon={<IconInfoCircle />}>
            Changes apply at the next deploy. Domain changes apply at once.
          </Alert>
          <AppFields
            values={values}
            onChange={(patch) => {
              if (update.error) update.reset();
              form.change(patch);
            }}
            onBlur={form.blur}
            errors={errors.fields}
            envErrors={errors.env}
            hostOptions={hostOptions}
            secretsSection={
              <SecretsManager
                existing={app.secretKeys}
                changes={secretChanges}
                onChanges={setSecretChanges}
                added={values.secrets}
                onAdded={(secrets) => form.change({ secrets })}
                addedErrors={errors.secrets}
                onBlur={() => form.blur("secrets")}
              />
            }
          />
          {tried && replacementErrors.length > 0 && (
            <Alert color="red" variant="light" role="alert">
              {replacementErrors.join(" ")}
            </Alert>
          )}
          {update.error && (
            <Alert ref={errorAlert} color="red" icon={<IconAlertCircle />} role="alert" title="Not saved">
              {errorMessage(update.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                update.reset();
                form.reset(formFromApp(app));
                setSecretChanges({});
              }}
            >
              Discard changes
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
