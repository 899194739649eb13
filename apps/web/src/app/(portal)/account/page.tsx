"use client";
// One's own account (issue 16): profile, password, sessions and API keys. Reached from the user menu.
import { Stack } from "@mantine/core";
import { useCan } from "../../../client/session";
import { ChangePasswordForm } from "../../../components/account/change-password-form";
import { ProfileCard } from "../../../components/account/profile-card";
import { SessionsSection } from "../../../components/account/sessions-section";
import { PageHeader } from "../../../components/page-header";
import { ApiKeysSection } from "../../../components/settings/api-keys-section";

export default function AccountPage() {
  const mayManageKeys = useCan("apikeys.manage");
  return (
    <>
      <PageHeader
        title="Account"
        description="Your profile, your password, where you are signed in, and your API keys."
      />
      <Stack gap="xl">
        <ProfileCard />
        <ChangePasswordForm />
        <SessionsSection />
        {mayManageKeys && <ApiKeysSection />}
      </Stack>
    </>
  );
}
