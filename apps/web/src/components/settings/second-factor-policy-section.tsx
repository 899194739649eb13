"use client";
// Settings → Second factor: which roles of the team must use an authenticator app (default: admins).
// A person of a chosen role without one is sent to their Account page to set it up before anything else.
import { Alert, Button, Card, Checkbox, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ROLES, type Role } from "@wheelhouse/shared";
import { useEffect, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

const LABELS: Record<Role, string> = {
  viewer: "Viewers",
  operator: "Operators",
  approver: "Approvers",
  admin: "Admins",
};

export function SecondFactorPolicySection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const policy = useQuery(trpc.auth.secondFactorPolicy.queryOptions());
  const [roles, setRoles] = useState<Role[]>([]);
  useEffect(() => {
    if (policy.data) setRoles(policy.data.roles);
  }, [policy.data]);
  const save = useMutation(
    trpc.auth.saveSecondFactorPolicy.mutationOptions({
      onSuccess: async (saved) => {
        notifications.show({
          color: "teal",
          title: "Second factor requirement saved",
          message:
            saved.roles.length === 0
              ? "Nobody must use one; anyone may still set one up."
              : `${saved.roles.map((role) => LABELS[role]).join(", ")} must use one.`,
        });
        await queryClient.invalidateQueries({ queryKey: trpc.auth.pathKey() });
      },
    }),
  );

  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="second-factor-policy-heading">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="h3" id="second-factor-policy-heading">
            Second factor
          </Title>
          <Text fz="sm" c="dimmed">
            Roles that must sign in with an authenticator app. Someone of these roles without one can only set it up
            until they do.
          </Text>
        </div>
        {(policy.error ?? save.error) && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(policy.error ?? save.error)}
          </Alert>
        )}
        <Checkbox.Group value={roles} onChange={(value) => setRoles(ROLES.filter((role) => value.includes(role)))}>
          <Group gap="lg">
            {ROLES.map((role) => (
              <Checkbox key={role} value={role} label={LABELS[role]} />
            ))}
          </Group>
        </Checkbox.Group>
        <Button
          w="fit-content"
          variant="light"
          loading={save.isPending}
          disabled={!policy.data}
          onClick={() => save.mutate({ roles })}
        >
          Save
        </Button>
      </Stack>
    </Card>
  );
}
