"use client";
// Account → Second factor: set up an authenticator app (QR code, or the secret typed in), confirm
// it with a code, keep the ten recovery codes shown once; later turn it off (unless the role needs
// it) or renew the recovery codes, each with a current code.
import { Alert, Badge, Button, Code, Group, Image, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconShieldCheck } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type SecondFactorEnrolment, secondFactorCodeSchema, totpCodeSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { SecondFactorCodeInput } from "./second-factor-code-input";

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Stack gap="sm">
      <Alert color="yellow" title="Save your recovery codes now">
        Each one signs you in once if you lose your phone. They are shown only this time; keep them somewhere safe.
      </Alert>
      <SimpleGrid cols={2} spacing="xs" data-testid="recovery-codes">
        {codes.map((code) => (
          <Code key={code} fz="md">
            {code}
          </Code>
        ))}
      </SimpleGrid>
      <Button onClick={onDone} w="fit-content">
        I have saved them
      </Button>
    </Stack>
  );
}

function Enrol({
  enrolment,
  onConfirmed,
}: {
  enrolment: SecondFactorEnrolment;
  onConfirmed: (codes: string[]) => void;
}) {
  const trpc = useTRPC();
  const [code, setCode] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const confirm = useMutation(trpc.account.confirmSecondFactor.mutationOptions());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = totpCodeSchema.safeParse(code);
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message);
    confirm.mutate({ code: parsed.data }, { onSuccess: ({ recoveryCodes }) => onConfirmed(recoveryCodes) });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Confirm your authenticator">
      <Stack gap="sm">
        <Text fz="sm">
          Scan this QR code with an authenticator app (1Password, Google Authenticator, Authy…), or type the key in.
        </Text>
        <Group align="flex-start" gap="lg">
          <Image
            src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`}
            alt="QR code for your authenticator app"
            w={180}
            h={180}
            bg="white"
            radius="sm"
          />
          <Stack gap={4}>
            <Text fz="sm" fw={600}>
              Key
            </Text>
            <Code fz="md" data-testid="second-factor-secret">
              {enrolment.secret}
            </Code>
          </Stack>
        </Group>
        {confirm.error && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert" title="Not set up">
            {errorMessage(confirm.error)}
          </Alert>
        )}
        <SecondFactorCodeInput
          label="Code from the app"
          allowRecovery={false}
          value={code}
          error={fieldError}
          onChange={(value) => {
            setCode(value);
            setFieldError(undefined);
          }}
        />
        <Button type="submit" loading={confirm.isPending} w="fit-content">
          Turn on
        </Button>
      </Stack>
    </form>
  );
}

/** A code-guarded action on an enabled factor: turn it off, or renew the recovery codes. */
function CodeAction({
  label,
  color,
  run,
  pending,
  error,
}: {
  label: string;
  color: string;
  run: (code: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const [code, setCode] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = secondFactorCodeSchema.safeParse(code);
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message);
    run(parsed.data);
    setCode("");
  };
  return (
    <form onSubmit={submit} noValidate aria-label={label}>
      <Stack gap="xs">
        {error != null && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(error)}
          </Alert>
        )}
        <SecondFactorCodeInput
          value={code}
          error={fieldError}
          onChange={(value) => {
            setCode(value);
            setFieldError(undefined);
          }}
        />
        <Button type="submit" variant="light" color={color} loading={pending} w="fit-content">
          {label}
        </Button>
      </Stack>
    </form>
  );
}

export function SecondFactorSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.account.secondFactor.queryOptions());
  const [enrolment, setEnrolment] = useState<SecondFactorEnrolment | null>(null);
  const [shownCodes, setShownCodes] = useState<string[] | null>(null);
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.account.secondFactor.queryKey() });
    // The portal shell reads whether enrolment is still needed from auth.status.
    await queryClient.invalidateQueries({ queryKey: trpc.auth.status.queryKey() });
  };
  const start = useMutation(trpc.account.startSecondFactor.mutationOptions({ onSuccess: setEnrolment }));
  const disable = useMutation(
    trpc.account.disableSecondFactor.mutationOptions({
      onSuccess: async () => {
        notifications.show({
          color: "gray",
          title: "Second factor off",
          message: "Signing in needs only your password.",
        });
        await refresh();
      },
    }),
  );
  const regenerate = useMutation(
    trpc.account.regenerateRecoveryCodes.mutationOptions({
      onSuccess: async ({ recoveryCodes }) => {
        setShownCodes(recoveryCodes);
        await refresh();
      },
    }),
  );
  const state = status.data;

  return (
    <section aria-labelledby="second-factor-heading">
      <Group gap="sm" align="center">
        <Title order={2} fz="h3" id="second-factor-heading">
          Second factor
        </Title>
        {state && (
          <Badge color={state.enabled ? "teal" : "gray"} variant="light">
            {state.enabled ? "On" : "Off"}
          </Badge>
        )}
      </Group>
      <Text fz="sm" c="dimmed" mb="sm">
        A code from an authenticator app at sign-in, and again before a host shell or a review when your last one is
        more than 15 minutes old.
      </Text>
      <Paper withBorder radius="lg" p="lg" maw={640}>
        {status.error && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(status.error)}
          </Alert>
        )}
        {state && shownCodes && (
          <RecoveryCodes
            codes={shownCodes}
            onDone={() => {
              setShownCodes(null);
              setEnrolment(null);
            }}
          />
        )}
        {state && !shownCodes && !state.enabled && (
          <Stack gap="sm">
            {state.required && (
              <Alert color="orange" icon={<IconShieldCheck />} title="Your role must use a second factor">
                Set up an authenticator app to continue using Wheelhouse.
              </Alert>
            )}
            {enrolment ? (
              <Enrol
                enrolment={enrolment}
                onConfirmed={async (codes) => {
                  setShownCodes(codes);
                  await refresh();
                }}
              />
            ) : (
              <>
                {start.error && (
                  <Alert color="red" icon={<IconAlertCircle />} role="alert">
                    {errorMessage(start.error)}
                  </Alert>
                )}
                <Button onClick={() => start.mutate({})} loading={start.isPending} w="fit-content">
                  Set up an authenticator app
                </Button>
              </>
            )}
          </Stack>
        )}
        {state && !shownCodes && state.enabled && (
          <Stack gap="lg">
            <Text fz="sm">
              On since {state.enabledAt ? new Date(state.enabledAt).toLocaleDateString() : "—"} ·{" "}
              {state.recoveryCodesLeft} recovery code{state.recoveryCodesLeft === 1 ? "" : "s"} left
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <CodeAction
                label="New recovery codes"
                color="blue"
                run={(code) => regenerate.mutate({ code })}
                pending={regenerate.isPending}
                error={regenerate.error}
              />
              {state.required ? (
                <Text fz="sm" c="dimmed">
                  Your role must use a second factor, so it cannot be turned off.
                </Text>
              ) : (
                <CodeAction
                  label="Turn off"
                  color="red"
                  run={(code) => disable.mutate({ code })}
                  pending={disable.isPending}
                  error={disable.error}
                />
              )}
            </SimpleGrid>
          </Stack>
        )}
      </Paper>
    </section>
  );
}
