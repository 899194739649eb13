"use client";
// An admin's form for the portal's ACME directory: Let's Encrypt, its staging directory, or any
// URL (a private ACME server, with the CA bundle its HTTPS needs), and the contact address. The
// schema's rules are checked before sending; the portal's own refusals appear under the field.
import { Alert, Button, Group, Select, Stack, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconAlertTriangle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { acmeSettingsSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { DIRECTORY_PRESETS, type DirectoryPreset, directoryLabel, presetOf } from "./format";

type Field = "directoryUrl" | "email" | "caBundlePem";

export interface AcmeFormValues {
  directoryUrl: string;
  email: string | null;
  caBundlePem: string | null;
}

const PRESET_NOTES: Record<DirectoryPreset, string> = {
  letsencrypt: "Certificates every browser trusts. Its rate limits apply: try things on staging first.",
  "letsencrypt-staging":
    "For trying things out: browsers do not trust its certificates, and its rate limits are loose.",
  custom: "Any ACME (RFC 8555) directory, such as a company CA or step-ca.",
};

/**
 * What to type instead, per field: the shared schema carries zod's bare "Invalid URL"; a person
 * needs the shape the field wants. The CA bundle's own sentences come from the portal as they are.
 */
const LOCAL_MESSAGES: Partial<Record<Field, string>> = {
  directoryUrl: "Give the directory's full address, starting with https:// (e.g. https://acme.example.com/directory).",
  email: "Give an email address such as ops@example.com, or leave it empty.",
};

function isField(value: unknown): value is Field {
  return value === "directoryUrl" || value === "email" || value === "caBundlePem";
}

export function AcmeSettingsForm({ initial }: { initial: AcmeFormValues }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [preset, setPreset] = useState<DirectoryPreset>(presetOf(initial.directoryUrl));
  const [customUrl, setCustomUrl] = useState(presetOf(initial.directoryUrl) === "custom" ? initial.directoryUrl : "");
  const [email, setEmail] = useState(initial.email ?? "");
  const [caBundle, setCaBundle] = useState(initial.caBundlePem ?? "");
  const [submitted, setSubmitted] = useState(false);
  const save = useMutation(
    trpc.certificates.saveAcmeSettings.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.certificates.acmeSettings.queryKey(), saved);
        setSubmitted(false);
        notifications.show({
          color: "teal",
          title: "ACME settings saved",
          message: `New orders and renewals go to ${directoryLabel(saved.directoryUrl)}; certificates already issued stay until they are renewed.`,
        });
      },
    }),
  );

  const directoryUrl = DIRECTORY_PRESETS.find((candidate) => candidate.value === preset)?.url ?? customUrl.trim();
  const values = {
    directoryUrl,
    email: email.trim() === "" ? null : email.trim(),
    caBundlePem: caBundle.trim() === "" ? null : caBundle,
  };
  const check = acmeSettingsSchema.safeParse(values);
  const localErrors: Partial<Record<Field, string>> = {};
  if (!check.success) {
    for (const issue of check.error.issues) {
      const field = issue.path[0];
      if (!isField(field) || localErrors[field]) continue;
      localErrors[field] = (issue.code === "invalid_format" && LOCAL_MESSAGES[field]) || issue.message;
    }
  }
  if (values.caBundlePem !== null && !values.caBundlePem.includes("-----BEGIN CERTIFICATE-----")) {
    localErrors.caBundlePem ??= "The CA bundle holds no PEM certificate (-----BEGIN CERTIFICATE-----).";
  }
  const data = save.error?.data as { fieldErrors?: Partial<Record<Field, string[]>>; code?: string } | undefined;
  const serverErrors: Partial<Record<Field, string | undefined>> = {
    directoryUrl: data?.fieldErrors?.directoryUrl?.[0],
    email: data?.fieldErrors?.email?.[0],
    // The portal's only refusal of its own here (BAD_REQUEST without field errors) is about the CA
    // bundle: no certificate in it, or one that does not parse. It belongs under that field.
    caBundlePem:
      data?.fieldErrors?.caBundlePem?.[0] ??
      (save.error && data?.code === "BAD_REQUEST" && !data.fieldErrors ? save.error.message : undefined),
  };
  const placedUnderField = Object.values(serverErrors).some(Boolean);
  const fieldError = (field: Field) => (submitted ? (localErrors[field] ?? serverErrors[field]) : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(localErrors).length === 0) save.mutate(values);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="ACME settings">
      <Stack>
        {save.error && !placedUnderField && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Select
          label="Directory"
          description={PRESET_NOTES[preset]}
          data={DIRECTORY_PRESETS.map(({ value, label }) => ({ value, label }))}
          value={preset}
          allowDeselect={false}
          onChange={(value) => {
            const chosen = DIRECTORY_PRESETS.find((candidate) => candidate.value === value);
            if (chosen) setPreset(chosen.value);
          }}
          maw={420}
        />
        {preset === "custom" && (
          <TextInput
            label="Directory URL"
            description="The directory's address, as the ACME server documents it (…/directory)."
            placeholder="https://acme.example.com/directory"
            required
            spellCheck={false}
            autoComplete="off"
            value={customUrl}
            error={fieldError("directoryUrl")}
            onChange={(event) => setCustomUrl(event.currentTarget.value)}
          />
        )}
        {preset !== "custom" && fieldError("directoryUrl") && (
          <Alert color="red" icon={<IconAlertTriangle />}>
            {fieldError("directoryUrl")}
          </Alert>
        )}
        <TextInput
          label="Contact email"
          description="The CA writes here about expiring certificates and problems with the account. Optional."
          placeholder="ops@example.com"
          type="email"
          autoComplete="email"
          value={email}
          error={fieldError("email")}
          onChange={(event) => setEmail(event.currentTarget.value)}
          maw={420}
        />
        <Textarea
          label="CA bundle (PEM)"
          description="Only for a private ACME server whose HTTPS certificate the system does not trust: its CA certificate(s). Leave empty for Let's Encrypt."
          placeholder={"-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----"}
          autosize
          minRows={3}
          maxRows={12}
          spellCheck={false}
          styles={{
            input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: "var(--mantine-font-size-xs)" },
          }}
          value={caBundle}
          error={fieldError("caBundlePem")}
          onChange={(event) => setCaBundle(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save ACME settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
