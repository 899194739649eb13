"use client";
// One's own account (issue 16): profile, password, second factor, sessions and API keys. Reached from the user menu.
import { Stack } from "@mantine/core";
import { useCan, useCurrentUser } from "../../../client/session";
import { ChangePasswordForm } from "../../../components/account/change-password-form";
import { ProfileCard } from "../../../components/account/profile-card";
import { SecondFactorSection } from "../../../components/account/second-factor-section";
import { SessionsSection } from "../../../components/account/sessions-section";
import { PageHeader } from "../../../components/page-header";
import { ApiKeysSection } from "../../../components/settings/api-keys-section";

export default function AccountPage() {
  const mayManageKeys = useCan("apikeys.manage");
  // Someone who must set up a second factor can do nothing else yet: the rest would only refuse.
  const { secondFactor } = useCurrentUser();
  const mustEnrol = secondFactor.required && !secondFactor.enabled;
  return (
    <>
      <PageHeader
        title="Account"
        description="Your profile, your second factor, your password, where you are signed in, and your API keys."
      />
      <Stack gap="xl">
        <ProfileCard />
        <SecondFactorSection />
        {!mustEnrol && <ChangePasswordForm />}
        {!mustEnrol && <SessionsSection />}
        {!mustEnrol && mayManageKeys && <ApiKeysSection />}
      </Stack>
    </>
  );
}
