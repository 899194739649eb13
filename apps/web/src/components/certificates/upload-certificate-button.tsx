"use client";
// "Upload certificate" for a domain, opening the upload dialog. Operators and admins only (hidden
// for the others, as Enable HTTPS and Renew now are).
import { Button, type ButtonProps } from "@mantine/core";
import { IconUpload } from "@tabler/icons-react";
import { useState } from "react";
import { useCan } from "../../client/session";
import { UploadCertificateModal } from "./upload-certificate-modal";

export function UploadCertificateButton({
  domain,
  replaces = false,
  size = "sm",
  variant = "default",
  short = false,
}: {
  domain: string;
  replaces?: boolean;
  size?: ButtonProps["size"];
  variant?: ButtonProps["variant"];
  /** "Upload" alone, beside Enable HTTPS where the row says what it is for. */
  short?: boolean;
}) {
  const mayManage = useCan("certificates.manage");
  const [opened, setOpened] = useState(false);
  if (!mayManage) return null;
  return (
    <>
      <Button
        size={size}
        variant={variant}
        leftSection={<IconUpload size={size === "xs" ? 14 : 16} aria-hidden />}
        onClick={() => setOpened(true)}
        aria-label={`Upload certificate for ${domain}`}
        data-testid={`upload-certificate-${domain}`}
      >
        {short ? "Upload" : "Upload certificate"}
      </Button>
      <UploadCertificateModal domain={domain} opened={opened} onClose={() => setOpened(false)} replaces={replaces} />
    </>
  );
}
