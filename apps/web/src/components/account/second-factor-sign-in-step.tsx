"use client";
// Sign-in's second step: the password was right (or the provider answered) and the person has a
// second factor, so the browser holds a 5-minute challenge; a code from the app (or a recovery
// code) turns it into a session.
import { Alert, Anchor, Button, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { secondFactorCodeSchema } from "@wheelhouse/shared";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { afterSignInPath } from "../../client/after-sign-in";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { SecondFactorCodeInput } from "./second-factor-code-input";

export function SecondFactorSignInStep({ onStartAgain }: { onStartAgain: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [code, setCode] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const verify = useMutation(
    trpc.auth.verifySecondFactor.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace(afterSignInPath(window.location.search));
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = secondFactorCodeSchema.safeParse(code);
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message);
    verify.mutate({ code: parsed.data });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Second factor">
      <Stack>
        <Title order={2} fz="h3">
          Enter your code
        </Title>
        <Text fz="sm" c="dimmed">
          Open your authenticator app and enter the code it shows for Wheelhouse. Lost your phone? Use one of your
          recovery codes.
        </Text>
        {verify.error && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(verify.error)}
          </Alert>
        )}
        <SecondFactorCodeInput
          value={code}
          error={fieldError}
          autoFocus
          onChange={(value) => {
            setCode(value);
            setFieldError(undefined);
          }}
        />
        <Button type="submit" loading={verify.isPending} fullWidth>
          Verify
        </Button>
        <Anchor component="button" type="button" fz="sm" onClick={onStartAgain}>
          Sign in as someone else
        </Anchor>
      </Stack>
    </form>
  );
}
