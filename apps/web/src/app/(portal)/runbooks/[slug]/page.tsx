"use client";
// One runbook: rendered, with its versions (team runbooks) and, for operators, an editor that saves
// a new version. ?version=N shows an older one.
import { Alert, Anchor, Button, Grid, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle, IconPencil } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { BackLink } from "../../../../components/back-link";
import { PageHeader } from "../../../../components/page-header";
import { RelativeTime } from "../../../../components/relative-time";
import { RunbookEditor } from "../../../../components/runbooks/runbook-editor";
import { RunbookView } from "../../../../components/runbooks/runbook-view";
import { OriginBadge, runbookPath } from "../../../../components/runbooks/runbooks-table";

function RunbookPage() {
  const params = useParams<{ slug: string }>();
  const slug = decodeURIComponent(params.slug);
  const search = useSearchParams();
  const router = useRouter();
  const versionParam = Number(search.get("version"));
  const version = Number.isInteger(versionParam) && versionParam > 0 ? versionParam : undefined;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayWrite = useCan("runbooks.write");
  const mayWriteCommand = useCan("runbooks.write-command");
  const [editing, setEditing] = useState(false);
  const detail = useQuery(trpc.runbooks.get.queryOptions({ slug, version }));
  const runbook = detail.data;
  const latest = runbook && (runbook.versions[0]?.version ?? runbook.version);
  // A runbook that runs an arbitrary command is an admin's to change (runbooks.write-command).
  const editBlocked = runbook?.hasCommand && !mayWriteCommand;

  return (
    <>
      <BackLink href="/runbooks">Runbooks</BackLink>
      {detail.error && (
        <Alert color="red" icon={<IconAlertCircle />} title={`Cannot show ${slug}`}>
          {errorMessage(detail.error)}
        </Alert>
      )}
      {detail.isPending && <Loader aria-label="Loading the runbook" />}
      {runbook && (
        <>
          <PageHeader
            title={runbook.title}
            description={`${runbook.slug} · version ${runbook.version}${version && version !== latest ? ` (latest is ${latest})` : ""}`}
            actions={
              <Group gap="xs">
                <OriginBadge runbook={runbook} />
                {mayWrite && !editing && (
                  <Button
                    leftSection={<IconPencil size={16} />}
                    variant="light"
                    disabled={editBlocked}
                    title={editBlocked ? "It runs a command: only admins may change it." : undefined}
                    onClick={() => setEditing(true)}
                  >
                    {runbook.origin === "library" ? "Edit a team copy" : "Edit"}
                  </Button>
                )}
              </Group>
            }
          />
          {editing ? (
            <Stack gap="sm">
              {runbook.origin === "library" && (
                <Text fz="sm" c="dimmed">
                  Saving makes a team runbook with this id; it replaces the library's for your team.
                </Text>
              )}
              <RunbookEditor
                initialSource={runbook.source}
                onCancel={() => setEditing(false)}
                onSaved={async (saved) => {
                  setEditing(false);
                  await queryClient.invalidateQueries({ queryKey: trpc.runbooks.pathKey() });
                  router.replace(runbookPath(saved.slug));
                }}
              />
            </Stack>
          ) : (
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, lg: 9 }}>
                <RunbookView runbook={runbook.definition} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, lg: 3 }}>
                <section aria-labelledby="versions-heading">
                  <Title order={2} fz="h4" mb="sm" id="versions-heading">
                    Versions
                  </Title>
                  <Paper withBorder radius="lg" p="md">
                    {runbook.versions.length === 0 ? (
                      <Text fz="sm" c="dimmed">
                        Built-in: it changes with Wheelhouse. Edit it to keep a team copy with versions.
                      </Text>
                    ) : (
                      <Stack gap={6}>
                        {runbook.versions.map((entry) => (
                          <Text key={entry.version} fz="sm">
                            <Anchor
                              component={Link}
                              href={`${runbookPath(runbook.slug)}?version=${entry.version}`}
                              fw={entry.version === runbook.version ? 700 : undefined}
                              aria-current={entry.version === runbook.version ? "page" : undefined}
                            >
                              v{entry.version}
                            </Anchor>{" "}
                            <Text span fz="xs" c="dimmed">
                              <RelativeTime value={entry.at} />
                              {entry.by ? ` by ${entry.by}` : ""}
                            </Text>
                          </Text>
                        ))}
                      </Stack>
                    )}
                  </Paper>
                </section>
              </Grid.Col>
            </Grid>
          )}
        </>
      )}
    </>
  );
}

export default function Page() {
  // useSearchParams needs a Suspense boundary in a statically rendered page.
  return (
    <Suspense fallback={<Loader aria-label="Loading the runbook" />}>
      <RunbookPage />
    </Suspense>
  );
}
