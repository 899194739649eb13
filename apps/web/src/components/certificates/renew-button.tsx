"use client";
// "Renew now": orders the domain's certificate again at once. Operators and admins only (hidden for
// the others); disabled while an order runs, since the portal would refuse a second one.
import { Button, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconRefresh } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CertificateDetail } from "@wheelhouse/shared";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { isOrdering } from "./format";

export function RenewButton({ certificate }: { certificate: CertificateDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayManage = useCan("certificates.manage");
  const renew = useMutation(
    trpc.certificates.renew.mutationOptions({
      onSuccess: ({ certificate: renewed }) => {
        queryClient.setQueryData(trpc.certificates.get.queryKey({ domain: renewed.domain }), { certificate: renewed });
        notifications.show({
          color: "blue",
          title: `Renewing ${renewed.domain}`,
          message:
            renewed.status === "Renewing"
              ? "A new certificate is being ordered; the current one keeps being served until it arrives."
              : "A certificate is being ordered; this page shows when it is Active.",
        });
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "Renewal not started", message: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.certificates.pathKey() }),
    }),
  );
  if (!mayManage) return null;
  const ordering = isOrdering(certificate.status);
  const hint = ordering
    ? "An order is running; wait for it to finish."
    : certificate.source === "upload"
      ? "Orders a certificate from the ACME directory, which then replaces the uploaded one."
      : "Orders a new certificate from the ACME directory now, without waiting for the renewal date.";
  return (
    <Tooltip label={hint} multiline w={260} withArrow>
      {/* A disabled button gets no pointer events: the wrapper keeps the hint reachable. */}
      <span>
        <Button
          variant="default"
          leftSection={<IconRefresh size={16} />}
          disabled={ordering}
          loading={renew.isPending}
          onClick={() => renew.mutate({ domain: certificate.domain })}
          data-testid="certificate-renew"
        >
          Renew now
        </Button>
      </span>
    </Tooltip>
  );
}
