"use client";
// "Enable HTTPS" beside a domain without a certificate: asks for one (certificates.issue), which
// answers at once with the certificate Pending; it is put into the list so the card shows Pending
// straight away, and the certificates:changed hint (or polling) brings Active.
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLock } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

export function EnableHttpsButton({ domain }: { domain: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const issue = useMutation(
    trpc.certificates.issue.mutationOptions({
      onSuccess: ({ certificate }) => {
        queryClient.setQueryData(trpc.certificates.list.queryKey(), (previous) =>
          previous
            ? {
                certificates: [
                  ...previous.certificates.filter((known) => known.domain !== certificate.domain),
                  certificate,
                ],
              }
            : previous,
        );
        notifications.show({
          color: "blue",
          title: `Ordering a certificate for ${certificate.domain}`,
          message: "It shows Active here once the CA has issued it, usually within seconds.",
        });
      },
      onError: (error) =>
        notifications.show({
          color: "red",
          title: `No certificate ordered for ${domain}`,
          message: errorMessage(error),
        }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.certificates.pathKey() }),
    }),
  );
  return (
    <Button
      size="xs"
      variant="light"
      leftSection={<IconLock size={14} aria-hidden />}
      loading={issue.isPending}
      onClick={() => issue.mutate({ domain })}
      aria-label={`Enable HTTPS for ${domain}`}
      data-testid={`enable-https-${domain}`}
    >
      Enable HTTPS
    </Button>
  );
}
