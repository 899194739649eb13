"use client";
// Upload a certificate for a domain (certificates.upload): the certificate, its private key, and
// optionally the chain and a root the user trusts, each pasted or read from a file in the browser.
// The schema's rules are checked before sending; the portal's own refusal (a key that does not match,
// a certificate not valid for the domain, …) is its sentence beside the Upload button, as it is.
import { Alert, Button, Code, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { certificateUploadSchema } from "@wheelhouse/shared";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { PemField } from "./pem-field";

const EMPTY = { certificatePem: "", keyPem: "", chainPem: "", trustedRootPem: "" };
type Field = keyof typeof EMPTY;
const FIELDS = Object.keys(EMPTY) as Field[];

function isField(value: unknown): value is Field {
  return typeof value === "string" && (FIELDS as string[]).includes(value);
}

const CERTIFICATE_MARK = "-----BEGIN CERTIFICATE-----";
/** PKCS#8, RSA and EC keys: "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", … */
const KEY_MARK = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** What is plainly not PEM of the right kind, said before a round trip; the portal checks the rest. */
function markerErrors(form: typeof EMPTY): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const missing = (text: string) => text.trim() !== "" && !text.includes(CERTIFICATE_MARK);
  if (missing(form.certificatePem))
    errors.certificatePem = `The certificate holds no PEM certificate (${CERTIFICATE_MARK}).`;
  if (form.keyPem.trim() !== "" && !KEY_MARK.test(form.keyPem))
    errors.keyPem = "The key holds no PEM private key (-----BEGIN PRIVATE KEY-----).";
  if (missing(form.chainPem)) errors.chainPem = `The chain holds no PEM certificate (${CERTIFICATE_MARK}).`;
  if (missing(form.trustedRootPem))
    errors.trustedRootPem = `The trusted root holds no PEM certificate (${CERTIFICATE_MARK}).`;
  return errors;
}

const PEM_PLACEHOLDER = `${CERTIFICATE_MARK}\n…\n-----END CERTIFICATE-----`;

export function UploadCertificateModal({
  domain,
  opened,
  onClose,
  replaces,
}: {
  domain: string;
  opened: boolean;
  onClose: () => void;
  /** A certificate is served for the domain now: the upload replaces it. */
  replaces: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [submitted, setSubmitted] = useState(false);
  const close = () => {
    // The key is not kept in the page once the dialog is closed.
    setForm(EMPTY);
    setSubmitted(false);
    upload.reset();
    onClose();
  };
  const upload = useMutation(
    trpc.certificates.upload.mutationOptions({
      onSuccess: async ({ certificate }) => {
        queryClient.setQueryData(trpc.certificates.get.queryKey({ domain: certificate.domain }), { certificate });
        notifications.show({
          color: "teal",
          title: `Certificate uploaded for ${certificate.domain}`,
          message: certificate.notAfter
            ? `nginx on the app's hosts serves it now. Wheelhouse does not renew an uploaded certificate: upload the next one before ${new Date(certificate.notAfter).toLocaleDateString()}.`
            : "nginx on the app's hosts serves it now.",
        });
        close();
        await queryClient.invalidateQueries({ queryKey: trpc.certificates.pathKey() });
      },
    }),
  );

  const values = {
    domain,
    certificatePem: form.certificatePem,
    keyPem: form.keyPem,
    chainPem: form.chainPem.trim() === "" ? null : form.chainPem,
    trustedRootPem: form.trustedRootPem.trim() === "" ? null : form.trustedRootPem,
  };
  const check = certificateUploadSchema.safeParse(values);
  const localErrors = markerErrors(form);
  if (!check.success) {
    for (const issue of check.error.issues) {
      const field = issue.path[0];
      if (isField(field)) localErrors[field] ??= issue.message;
    }
  }
  const serverErrors = (upload.error?.data as { fieldErrors?: Partial<Record<string, string[]>> } | undefined)
    ?.fieldErrors;
  // A refusal of the schema lands under its fields; the portal's own checks are one sentence by the buttons.
  const placedUnderField = FIELDS.some((field) => serverErrors?.[field]?.[0]);
  const fieldError = (field: Field) => (submitted ? (localErrors[field] ?? serverErrors?.[field]?.[0]) : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (check.success && Object.keys(localErrors).length === 0) upload.mutate(values);
  };
  // The refusal arrives below the fields the person scrolled past: bring it and the buttons into view.
  const actions = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (upload.error) actions.current?.scrollIntoView({ block: "nearest" });
  }, [upload.error]);
  const set = (field: Field) => (value: string) => setForm((previous) => ({ ...previous, [field]: value }));

  return (
    <Modal opened={opened} onClose={close} title="Upload a certificate" size="lg" centered>
      <form onSubmit={submit} noValidate aria-label={`Upload a certificate for ${domain}`}>
        <Stack>
          <Text fz="sm" c="dimmed">
            For <Code>{domain}</Code>: nginx on the app's hosts serves it as soon as the portal has checked it
            {replaces ? ", in place of the certificate served now" : ""}. Wheelhouse does not renew an uploaded
            certificate: upload the next one before it expires. The key is stored encrypted and never shown again.
          </Text>
          <PemField
            label="Certificate"
            what="the certificate"
            description="PEM, the certificate for this domain first; any certificates after it are taken as its chain."
            placeholder={PEM_PLACEHOLDER}
            required
            value={form.certificatePem}
            error={fieldError("certificatePem")}
            onChange={set("certificatePem")}
            testId="upload-certificate"
          />
          <PemField
            label="Private key"
            what="the private key"
            description="PEM, the key the certificate was made for (not protected by a passphrase)."
            placeholder={"-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----"}
            required
            value={form.keyPem}
            error={fieldError("keyPem")}
            onChange={set("keyPem")}
            testId="upload-key"
          />
          <PemField
            label="Chain (optional)"
            what="the chain"
            description="The intermediate certificates, if the certificate field holds only the certificate itself."
            placeholder={PEM_PLACEHOLDER}
            value={form.chainPem}
            error={fieldError("chainPem")}
            onChange={set("chainPem")}
            testId="upload-chain"
          />
          <PemField
            label="Trusted root (optional)"
            what="the trusted root"
            description="The root of a private CA the system does not trust, so the chain can be checked up to it."
            placeholder={PEM_PLACEHOLDER}
            value={form.trustedRootPem}
            error={fieldError("trustedRootPem")}
            onChange={set("trustedRootPem")}
            testId="upload-root"
          />
          {/* Beside the button just pressed: the dialog scrolls, and a sentence at its top would be out of sight. */}
          {upload.error && !placedUnderField && (
            <Alert
              color="red"
              icon={<IconAlertCircle />}
              title="Not uploaded"
              role="alert"
              data-testid="upload-refusal"
            >
              {errorMessage(upload.error)}
            </Alert>
          )}
          <Group justify="flex-end" ref={actions}>
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={upload.isPending} data-testid="upload-submit">
              {replaces ? "Upload and replace" : "Upload certificate"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
