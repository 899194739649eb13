"use client";
import { Alert, Button, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PASSWORD_MIN_LENGTH } from "@wheelhouse/shared";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { errorMessage } from "../../../client/errors";
import { useTRPC } from "../../../client/trpc";

export default function SetupPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.status.queryOptions());
  const [form, setForm] = useState({ name: "", email: "", password: "", teamName: "" });
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace("/apps");
      },
    }),
  );

  useEffect(() => {
    if (status.data && !status.data.setupRequired) router.replace(status.data.user ? "/apps" : "/sign-in");
  }, [status.data, router]);

  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.currentTarget.value }),
  });
  const fieldErrors = (setup.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setup.mutate(form);
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <div>
          <Title order={2} fz="h3">
            Set up Wheelhouse
          </Title>
          <Text c="dimmed" fz="sm" mt={4}>
            Create the first admin account and name your team. You can invite everyone else afterwards.
          </Text>
        </div>
        {setup.error && !setup.error.data?.fieldErrors && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(setup.error)}
          </Alert>
        )}
        <TextInput
          label="Team name"
          placeholder="Platform team"
          required
          error={fieldErrors.teamName?.[0]}
          {...field("teamName")}
          autoFocus
        />
        <TextInput
          label="Your name"
          placeholder="Ada Lovelace"
          required
          autoComplete="name"
          error={fieldErrors.name?.[0]}
          {...field("name")}
        />
        <TextInput
          label="Email"
          type="email"
          placeholder="ada@example.com"
          required
          autoComplete="username"
          error={fieldErrors.email?.[0]}
          {...field("email")}
        />
        <PasswordInput
          label="Password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          required
          autoComplete="new-password"
          error={fieldErrors.password?.[0]}
          {...field("password")}
        />
        <Button type="submit" loading={setup.isPending} fullWidth>
          Create admin and sign in
        </Button>
      </Stack>
    </form>
  );
}
