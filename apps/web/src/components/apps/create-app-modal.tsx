"use client";
// New app: every field of createAppInputSchema, checked as the person goes; nothing runs until a deploy.
import { Alert, Button, Group, Input, Modal, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useRef } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { AppFields } from "./app-fields";
import { EMPTY_APP_FORM, healthInputFromForm, toNumber } from "./app-form-values";
import { EnvEditor } from "./env-editor";
import { rowsToMap } from "./env-rows";
import { MONO_INPUT } from "./form-parts";
import { useAppForm } from "./use-app-form";

export function CreateAppModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const hostList = useQuery(trpc.hosts.list.queryOptions(undefined, { enabled: opened }));
  const hosts = (hostList.data?.hosts ?? []).filter((host) => host.status !== "revoked");
  const form = useAppForm(EMPTY_APP_FORM, { creating: true, hostCount: hosts.length });
  const create = useMutation(
    trpc.apps.create.mutationOptions({
      onSuccess: async ({ app }) => {
        notifications.show({
          color: "teal",
          title: `${app.name} created`,
          message: "Nothing runs yet: press Deploy on its page to start the first release.",
        });
        await queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
        router.push(`/apps/${encodeURIComponent(app.name)}`);
        close();
      },
    }),
  );

  // With a single host there is nothing to choose: preselect it, visibly.
  const onlyHostId = hosts.length === 1 ? hosts[0]?.id : undefined;
  const { values, change } = form;
  const errorAlert = useRef<HTMLDivElement>(null);
  // The refusal is shown beside the submit button; bring it into view in a long, scrolled form.
  useEffect(() => {
    if (create.error) errorAlert.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [create.error]);
  const preselected = useRef(false);
  useEffect(() => {
    if (!opened || !onlyHostId || preselected.current) return;
    preselected.current = true;
    change({ hosts: [onlyHostId] });
  }, [opened, onlyHostId, change]);

  const close = () => {
    create.reset();
    form.reset(EMPTY_APP_FORM);
    preselected.current = false;
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!form.attemptSubmit()) return;
    create.mutate({
      name: values.name.trim(),
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
      secrets: rowsToMap(values.secrets),
    });
  };
  const errors = form.errors(create.error);

  return (
    <Modal opened={opened} onClose={close} title="New app" size="xl" centered>
      <form onSubmit={submit} noValidate aria-label="New app">
        <Stack>
          <AppFields
            values={values}
            onChange={(patch) => {
              if (create.error) create.reset();
              change(patch);
            }}
            onBlur={form.blur}
            errors={errors.fields}
            envErrors={errors.env}
            hostOptions={hosts.map((host) => ({ value: host.id, label: host.name }))}
            nameField={
              <TextInput
                label="Name"
                description="Lower-case letters, digits and dashes; also the container and CLI name."
                placeholder="billing-api"
                required
                styles={MONO_INPUT}
                value={values.name}
                error={errors.fields.name}
                onChange={(e) => change({ name: e.currentTarget.value })}
                onBlur={() => form.blur("name")}
                autoComplete="off"
                spellCheck={false}
                data-autofocus
              />
            }
            secretsSection={
              <Input.Wrapper
                label="Secrets"
                description="Passed to the app as environment variables. Stored encrypted, never shown again."
                error={errors.server.secrets}
                labelElement="div"
              >
                <Stack mt="xs">
                  <EnvEditor
                    kind="secret"
                    rows={values.secrets}
                    errors={errors.secrets}
                    onChange={(secrets) => change({ secrets })}
                    onBlur={() => form.blur("secrets")}
                  />
                </Stack>
              </Input.Wrapper>
            }
          />
          {/* Beside the submit button, where the person is looking when the server refuses. */}
          {create.error && (
            <Alert ref={errorAlert} color="red" icon={<IconAlertCircle />} role="alert" title="The app was not created">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create app
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
