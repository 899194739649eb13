"use client";
// The sign-in page's single sign-on part: "Sign in with <provider>" when SSO is on, the sentence for
// a refused sign-in the provider's callback sent back (`?sso_error=<code>`, never the provider's own
// text), and, with password sign-in switched to break-glass, what the password form is still for.
import { Alert, Button, Divider, Text } from "@mantine/core";
import { IconAlertCircle, IconKey } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { ssoErrorMessage } from "@wheelhouse/shared";
import { useEffect, useState } from "react";
import { useTRPC } from "../../client/trpc";

export function SsoSignIn() {
  const trpc = useTRPC();
  const status = useQuery(trpc.sso.status.queryOptions());
  const [refusal, setRefusal] = useState<string | null>(null);
  const [returnTo, setReturnTo] = useState<string | null>(null);
  useEffect(() => {
    // Read once on the client: the page is prerendered without a query string.
    const params = new URLSearchParams(window.location.search);
    setRefusal(ssoErrorMessage(params.get("sso_error")));
    // `next` is where the password sign-in goes too (an invite link sends people here with it).
    setReturnTo(params.get("returnTo") ?? params.get("next"));
  }, []);
  const sso = status.data;
  const start = `/auth/oidc/start${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`;
  return (
    <>
      {refusal && (
        <Alert color="red" icon={<IconAlertCircle />} role="alert" title="Single sign-on did not sign you in">
          {refusal}
        </Alert>
      )}
      {sso?.enabled && (
        <>
          {/* A plain link: the start answers with a redirect to the provider, which fetch cannot follow. */}
          <Button component="a" href={start} variant="default" leftSection={<IconKey size={16} />} fullWidth>
            Sign in with {sso.label}
          </Button>
          <Divider
            label={
              sso.passwordSignIn === "break-glass" ? "or, for the break-glass admin only" : "or with your password"
            }
            labelPosition="center"
          />
          {sso.passwordSignIn === "break-glass" && (
            <Text fz="sm" c="dimmed">
              Password sign-in is switched off except for one admin account kept for when {sso.label} is down.
            </Text>
          )}
        </>
      )}
    </>
  );
}
