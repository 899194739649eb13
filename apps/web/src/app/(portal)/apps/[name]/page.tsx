"use client";
import { Alert, Anchor, Badge, Loader, Tabs, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useState } from "react";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { PendingApprovalBanner } from "../../../../components/approvals/pending-approval-banner";
import { AppHeader } from "../../../../components/apps/app-header";
import { AppOverview } from "../../../../components/apps/app-overview";
import { AppSettingsForm } from "../../../../components/apps/app-settings-form";
import { DeploymentsTable } from "../../../../components/apps/deployments-table";
import { isFinished } from "../../../../components/apps/format";
import { ReleaseTable } from "../../../../components/apps/release-table";
import { BackLink } from "../../../../components/back-link";
import { OpenIncidentBanner } from "../../../../components/incidents/open-incident-banner";

const TABS = ["overview", "deployments", "releases", "settings"] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string): value is Tab {
  return (TABS as readonly string[]).includes(value);
}

/** The open tab lives in the URL's hash, so a link or the back button returns to it. */
function useHashTab(): [Tab, (tab: Tab) => void] {
  const [tab, setTab] = useState<Tab>("overview");
  useEffect(() => {
    const read = () => {
      const hash = window.location.hash.slice(1);
      setTab(isTab(hash) ? hash : "overview");
    };
    read();
    window.addEventListener("hashchange", read);
    return () => window.removeEventListener("hashchange", read);
  }, []);
  const choose = (next: Tab) => {
    setTab(next);
    window.history.replaceState(null, "", next === "overview" ? window.location.pathname : `#${next}`);
  };
  return [tab, choose];
}

const POLL_WHILE_RUNNING = 2_000;

export default function AppPage() {
  const params = useParams<{ name: string }>();
  const name = decodeURIComponent(params.name);
  const trpc = useTRPC();
  const mayUpdate = useCan("apps.update");
  const mayReadLogs = useCan("logs.read");
  const [tab, setTab] = useHashTab();
  // The socket's apps:changed hints refresh these; polling covers a missed hint while work runs.
  const detail = useQuery(
    trpc.apps.get.queryOptions(
      { name },
      {
        refetchInterval: (query) => {
          const last = query.state.data?.app.lastDeployment;
          return last && !isFinished(last) ? POLL_WHILE_RUNNING : false;
        },
      },
    ),
  );
  const deployments = useQuery(
    trpc.apps.deployments.queryOptions(
      { name },
      {
        enabled: tab === "deployments",
        refetchInterval: (query) =>
          query.state.data?.deployments.some((d) => !isFinished(d)) ? POLL_WHILE_RUNNING : false,
      },
    ),
  );
  const releases = useQuery(trpc.apps.releases.queryOptions({ name }, { enabled: tab === "releases" }));
  const app = detail.data?.app;

  return (
    <>
      <BackLink href="/apps">Apps</BackLink>
      {detail.error && (
        <Alert color="red" icon={<IconAlertCircle />} title={`Cannot show ${name}`}>
          {errorMessage(detail.error)}
        </Alert>
      )}
      {detail.isPending && <Loader aria-label="Loading app" />}
      {app && (
        <>
          <AppHeader app={app} />
          <OpenIncidentBanner app={app.name} />
          <PendingApprovalBanner app={app.name} />
          {mayReadLogs && (
            <Anchor component={Link} href={`/apps/${encodeURIComponent(name)}/logs`} fz="sm" mb="sm" display="block">
              Logs of every instance →
            </Anchor>
          )}
          <Tabs value={tab} onChange={(value) => value && isTab(value) && setTab(value)} keepMounted={false}>
            <Tabs.List mb="md">
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="deployments">
                Deployments
                {app.lastDeployment && !isFinished(app.lastDeployment) && (
                  <Badge size="xs" color="blue" variant="light" ml={6}>
                    running
                  </Badge>
                )}
              </Tabs.Tab>
              <Tabs.Tab value="releases">Releases</Tabs.Tab>
              {mayUpdate && <Tabs.Tab value="settings">Settings</Tabs.Tab>}
            </Tabs.List>
            <Tabs.Panel value="overview">
              <AppOverview app={app} />
            </Tabs.Panel>
            <Tabs.Panel value="deployments">
              {deployments.error && <Text c="red">{errorMessage(deployments.error)}</Text>}
              {deployments.isPending ? (
                <Loader aria-label="Loading deployments" />
              ) : (
                <DeploymentsTable deployments={deployments.data?.deployments ?? []} />
              )}
            </Tabs.Panel>
            <Tabs.Panel value="releases">
              {releases.error && <Text c="red">{errorMessage(releases.error)}</Text>}
              {releases.isPending ? (
                <Loader aria-label="Loading releases" />
              ) : (
                <ReleaseTable app={app} releases={releases.data?.releases ?? []} />
              )}
            </Tabs.Panel>
            {mayUpdate && (
              <Tabs.Panel value="settings">
                <AppSettingsForm key={app.id} app={app} />
              </Tabs.Panel>
            )}
          </Tabs>
        </>
      )}
    </>
  );
}
