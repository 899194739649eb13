"use client";
// An admin's form for single sign-on: the OpenID Connect provider (issuer, client id and secret),
// who may sign in (email domains), the roles their groups give, and whether passwords still work
// for everyone or only for one break-glass admin. The secret is write-only: left empty, the saved
// one stays. The schema's rules are checked before sending; the portal's refusals appear in a box.
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  PasswordInput,
  Radio,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ROLES, type Role, type SsoSettingsAnswer, ssoSettingsInputSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: role }));
const NOBODY = "none";

interface MappingRow {
  key: number;
  group: string;
  role: Role;
}

export function SsoSettingsForm({ initial }: { initial: SsoSettingsAnswer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [displayName, setDisplayName] = useState(initial.displayName);
  const [issuerUrl, setIssuerUrl] = useState(initial.issuerUrl ?? "");
  const [clientId, setClientId] = useState(initial.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const [allowedDomains, setAllowedDomains] = useState<string[]>(initial.allowedDomains);
  const [groupsClaim, setGroupsClaim] = useState(initial.groupsClaim);
  const [mappings, setMappings] = useState<MappingRow[]>(initial.roleMapping.map((m, key) => ({ key, ...m })));
  const [nextKey, setNextKey] = useState(initial.roleMapping.length);
  const [defaultRole, setDefaultRole] = useState<string>(initial.defaultRole ?? NOBODY);
  const [passwordSignIn, setPasswordSignIn] = useState(initial.passwordSignIn);
  const [breakGlassEmail, setBreakGlassEmail] = useState(initial.breakGlassEmail ?? "");
  const [submitted, setSubmitted] = useState(false);
  const save = useMutation(
    trpc.sso.save.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.sso.settings.queryKey(), saved);
        void queryClient.invalidateQueries({ queryKey: trpc.sso.status.queryKey() });
        setClientSecret("");
        setSubmitted(false);
        notifications.show({
          color: "teal",
          title: "Single sign-on saved",
          message: `The sign-in page offers "Sign in with ${saved.displayName}"; roles follow the groups at each sign-in.`,
        });
      },
    }),
  );

  const values = {
    issuerUrl: issuerUrl.trim(),
    clientId: clientId.trim(),
    ...(clientSecret === "" ? {} : { clientSecret }),
    displayName: displayName.trim(),
    allowedDomains,
    groupsClaim: groupsClaim.trim(),
    roleMapping: mappings.map(({ group, role }) => ({ group: group.trim(), role })),
    defaultRole: defaultRole === NOBODY ? null : (defaultRole as Role),
    passwordSignIn,
    breakGlassEmail: passwordSignIn === "break-glass" && breakGlassEmail.trim() !== "" ? breakGlassEmail.trim() : null,
  };
  const check = ssoSettingsInputSchema.safeParse(values);
  const problems = new Map<string, string>();
  if (!check.success) {
    for (const issue of check.error.issues) {
      const field = issue.path.map(String).join(".");
      if (!problems.has(field)) problems.set(field, issue.message);
    }
  }
  const problem = (field: string) => (submitted ? problems.get(field) : undefined);
  const domainProblem = submitted
    ? [...problems].find(([field]) => field.startsWith("allowedDomains"))?.[1]
    : undefined;
  const noSecret = !initial.clientSecretSet && clientSecret === "";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (check.success) save.mutate(values);
  };
  const setMapping = (key: number, change: Partial<MappingRow>) =>
    setMappings((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  return (
    <form onSubmit={submit} noValidate aria-label="Single sign-on settings">
      <Stack>
        {save.error && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert" title="Not saved">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Title order={3} fz="h4">
          Provider
        </Title>
        <TextInput
          label="Provider name"
          description='On the sign-in button: "Sign in with <name>".'
          placeholder="Okta"
          required
          value={displayName}
          error={problem("displayName")}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
          maw={420}
        />
        <TextInput
          label="Issuer URL"
          description="The provider's issuer; its /.well-known/openid-configuration is read from there."
          placeholder="https://login.example.com/realms/ops"
          required
          spellCheck={false}
          autoComplete="off"
          value={issuerUrl}
          error={problem("issuerUrl")}
          onChange={(e) => setIssuerUrl(e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <TextInput
            label="Client id"
            required
            spellCheck={false}
            autoComplete="off"
            value={clientId}
            error={problem("clientId")}
            onChange={(e) => setClientId(e.currentTarget.value)}
          />
          <PasswordInput
            label="Client secret"
            description={
              initial.clientSecretSet
                ? "A secret is saved. Leave empty to keep it."
                : "None saved: the client is public and PKCE alone protects the code."
            }
            autoComplete="new-password"
            value={clientSecret}
            error={problem("clientSecret")}
            onChange={(e) => setClientSecret(e.currentTarget.value)}
          />
        </Group>
        {noSecret && submitted && (
          <Text fz="xs" c="dimmed">
            Saving without a secret: only a provider that registered this client as public will accept it.
          </Text>
        )}
        <Title order={3} fz="h4" mt="sm">
          Who may sign in, and as what
        </Title>
        <TagsInput
          label="Allowed email domains"
          description="Only people whose email is in one of these domains may sign in. Empty: anyone the provider signs in."
          placeholder="example.com, then Enter"
          value={allowedDomains}
          onChange={(next) => setAllowedDomains(next.map((d) => d.trim().toLowerCase()))}
          error={domainProblem}
          maxTags={50}
          clearable
        />
        <TextInput
          label="Groups claim"
          description="The claim of the ID token or UserInfo that lists a person's groups."
          required
          spellCheck={false}
          value={groupsClaim}
          error={problem("groupsClaim")}
          onChange={(e) => setGroupsClaim(e.currentTarget.value)}
          maw={300}
        />
        <Stack gap={6} role="group" aria-labelledby="sso-mapping-label">
          <Text fz="sm" fw={500} id="sso-mapping-label">
            Groups → roles
          </Text>
          <Text fz="xs" c="dimmed">
            At every sign-in a person gets the highest role of their mapped groups, so removing them from a group at the
            provider lowers their role here at their next sign-in.
          </Text>
          {mappings.map((row, index) => (
            <Group key={row.key} align="flex-start" wrap="nowrap">
              <TextInput
                aria-label={`Group ${index + 1}`}
                placeholder="wheelhouse-operators"
                value={row.group}
                error={problem(`roleMapping.${index}.group`)}
                onChange={(e) => setMapping(row.key, { group: e.currentTarget.value })}
                style={{ flex: 1 }}
              />
              <Select
                aria-label={`Role of group ${index + 1}`}
                data={ROLE_OPTIONS}
                value={row.role}
                allowDeselect={false}
                onChange={(value) => value && setMapping(row.key, { role: value as Role })}
                w={160}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={`Remove group ${row.group || index + 1}`}
                onClick={() => setMappings((rows) => rows.filter((r) => r.key !== row.key))}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Button
            variant="light"
            size="xs"
            w="fit-content"
            leftSection={<IconPlus size={14} />}
            onClick={() => {
              setMappings((rows) => [...rows, { key: nextKey, group: "", role: "viewer" }]);
              setNextKey((key) => key + 1);
            }}
          >
            Add a group
          </Button>
        </Stack>
        <Select
          label="Role when no group is mapped"
          description="Nobody: a person none of whose groups is mapped is refused."
          data={[{ value: NOBODY, label: "Nobody (refuse)" }, ...ROLE_OPTIONS]}
          value={defaultRole}
          allowDeselect={false}
          onChange={(value) => value && setDefaultRole(value)}
          maw={300}
        />
        <Title order={3} fz="h4" mt="sm">
          Passwords
        </Title>
        <Radio.Group
          label="Who may still sign in with a password"
          value={passwordSignIn}
          onChange={(value) => setPasswordSignIn(value === "break-glass" ? "break-glass" : "everyone")}
        >
          <Stack gap={6} mt={6}>
            <Radio value="everyone" label="Everyone with a password" />
            <Radio value="break-glass" label="Only one break-glass admin, for when the provider is down" />
          </Stack>
        </Radio.Group>
        {passwordSignIn === "break-glass" && (
          <TextInput
            label="Break-glass admin's email"
            description="Must be an active admin of the team."
            type="email"
            required
            value={breakGlassEmail}
            error={problem("breakGlassEmail")}
            onChange={(e) => setBreakGlassEmail(e.currentTarget.value)}
            maw={420}
          />
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save single sign-on
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
