"use client";
import { Alert, Button, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { afterSignInPath } from "../../../client/after-sign-in";
import { errorMessage } from "../../../client/errors";
import { useTRPC } from "../../../client/trpc";
import { SecondFactorSignInStep } from "../../../components/account/second-factor-sign-in-step";
import { SsoSignIn } from "../../../components/sso/sso-sign-in";

export default function SignInPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.status.queryOptions());
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // A person with a second factor is asked for a code next (also after single sign-on: ?step=code).
  const [codeStep, setCodeStep] = useState(false);
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async ({ secondFactor }) => {
        if (secondFactor) return setCodeStep(true);
        await queryClient.invalidateQueries();
        router.replace(afterSignInPath(window.location.search));
      },
    }),
  );

  useEffect(() => {
    if (status.data?.setupRequired) router.replace("/setup");
    else if (status.data?.user) router.replace(afterSignInPath(window.location.search));
  }, [status.data, router]);

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    if (params.get("step") === "code") setCodeStep(true);
    // An invite for an existing account sends its email along, so the person only types the password.
    const invited = params.get("email");
    if (invited && invited.length <= 254) setEmail(invited);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  if (codeStep) {
    return (
      <SecondFactorSignInStep
        onStartAgain={() => {
          setCodeStep(false);
          setPassword("");
        }}
      />
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Title order={2} fz="h3">
          Sign in
        </Title>
        <SsoSignIn />
        {signIn.error && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(signIn.error)}
          </Alert>
        )}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          data-autofocus
          autoFocus
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <Button type="submit" loading={signIn.isPending} fullWidth>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
