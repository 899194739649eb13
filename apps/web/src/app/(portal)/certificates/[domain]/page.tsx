"use client";
// One certificate: its status, an order under way or the CA's problem with the last one, its dates,
// issuer, names, chain and history, and Renew now and Upload certificate for operators (Upload also
// when the domain has none yet). certificates:changed hints refresh it; while an order runs it also
// polls, so Pending turns Active (or Failed) without a reload.
import { Alert, Grid, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { errorMessage, isNotFound } from "../../../../client/errors";
import { useTRPC } from "../../../../client/trpc";
import { BackLink } from "../../../../components/back-link";
import { CertificateProblem, OrderProgress } from "../../../../components/certificates/certificate-alerts";
import { CertificateChain, CertificateFacts } from "../../../../components/certificates/certificate-facts";
import { CertificateHeader } from "../../../../components/certificates/certificate-header";
import { CertificateHistory } from "../../../../components/certificates/certificate-history";
import { pollWhileOrdering } from "../../../../components/certificates/format";
import { UploadCertificateButton } from "../../../../components/certificates/upload-certificate-button";

export default function CertificatePage() {
  const params = useParams<{ domain: string }>();
  const domain = decodeURIComponent(params.domain);
  const trpc = useTRPC();
  const detail = useQuery(
    trpc.certificates.get.queryOptions(
      { domain },
      {
        refetchInterval: (query) => {
          const certificate = query.state.data?.certificate;
          return pollWhileOrdering(certificate ? [certificate] : undefined);
        },
      },
    ),
  );
  const certificate = detail.data?.certificate;
  return (
    <>
      <BackLink href="/certificates">Certificates</BackLink>
      {detail.error && (
        <Alert color="red" icon={<IconAlertCircle />} title={`Cannot show the certificate for ${domain}`}>
          <Stack gap="sm" align="flex-start">
            <Text fz="sm">{errorMessage(detail.error)}</Text>
            {/* No certificate yet: one can be uploaded here (ordering one is on the app's page). */}
            {isNotFound(detail.error) && <UploadCertificateButton domain={domain} />}
          </Stack>
        </Alert>
      )}
      {detail.isPending && <Skeleton height={240} radius="lg" />}
      {certificate && (
        <>
          <CertificateHeader certificate={certificate} />
          <OrderProgress certificate={certificate} />
          <CertificateProblem certificate={certificate} />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Stack gap="lg">
                <CertificateFacts certificate={certificate} />
                <CertificateChain chain={certificate.chain} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <section aria-labelledby="certificate-history-heading">
                <Title order={2} fz="h4" mb="sm" id="certificate-history-heading">
                  History
                </Title>
                <CertificateHistory events={certificate.events} />
              </section>
            </Grid.Col>
          </Grid>
        </>
      )}
    </>
  );
}
