// Reads of a team's certificates (issue 15): the list and one certificate with its chain and
// history. Never the key.
import {
  CERTIFICATE_SOURCES,
  CERTIFICATE_STATUSES,
  type CertificateDetail,
  type CertificateSummary,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { readChain } from "./certificate-chain";

/** The history shown on a certificate's page: the newest first, this many. */
const EVENTS_SHOWN = 50;

const summarySelect = {
  id: true,
  domain: true,
  app: { select: { id: true, name: true } },
  source: true,
  status: true,
  notBefore: true,
  notAfter: true,
  issuer: true,
  renewAt: true,
  errorType: true,
  errorDetail: true,
  nextAttemptAt: true,
  failures: true,
  updatedAt: true,
} as const;

type SummaryRow = {
  id: string;
  domain: string;
  app: { id: string; name: string };
  source: string;
  status: string;
  notBefore: Date | null;
  notAfter: Date | null;
  issuer: string | null;
  renewAt: Date | null;
  errorType: string | null;
  errorDetail: string | null;
  nextAttemptAt: Date | null;
  failures: number;
  updatedAt: Date;
};

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toSummary(row: SummaryRow): CertificateSummary {
  return {
    id: row.id,
    domain: row.domain,
    app: row.app,
    source: z.enum(CERTIFICATE_SOURCES).parse(row.source),
    status: z.enum(CERTIFICATE_STATUSES).parse(row.status),
    notBefore: iso(row.notBefore),
    notAfter: iso(row.notAfter),
    issuer: row.issuer,
    renewAt: iso(row.renewAt),
    error: row.errorType !== null ? { type: row.errorType, detail: row.errorDetail ?? "" } : null,
    nextAttemptAt: iso(row.nextAttemptAt),
    failures: row.failures,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listCertificates(db: Db, teamId: string): Promise<CertificateSummary[]> {
  const rows = await db.certificate.findMany({ where: { teamId }, orderBy: { domain: "asc" }, select: summarySelect });
  return rows.map(toSummary);
}

export async function getCertificate(db: Db, teamId: string, domain: string): Promise<CertificateDetail> {
  const row = await db.certificate.findFirst({
    where: { teamId, domain },
    select: {
      ...summarySelect,
      serial: true,
      fullChainPem: true,
      events: { orderBy: { id: "desc" }, take: EVENTS_SHOWN, select: { at: true, kind: true, details: true } },
    },
  });
  if (!row) throw new AppError("NOT_FOUND", `There is no certificate for ${domain} in your team.`);
  const chain = row.fullChainPem ? readChain(row.fullChainPem) : [];
  return {
    ...toSummary(row),
    serial: row.serial,
    names: chain[0]?.names ?? [],
    chain: chain.map((entry) => ({
      ...entry,
      notBefore: entry.notBefore.toISOString(),
      notAfter: entry.notAfter.toISOString(),
    })),
    events: row.events.map((event) => ({
      at: event.at.toISOString(),
      kind: event.kind,
      details: z.record(z.string(), z.unknown()).parse(JSON.parse(event.details)),
    })),
  };
}

/** For /metrics: certificates by status across teams, and each one's notAfter. */
export async function certificateFacts(
  db: Db,
): Promise<{ byStatus: Record<string, number>; expiries: { domain: string; notAfter: Date }[] }> {
  const rows = await db.certificate.findMany({ select: { domain: true, status: true, notAfter: true } });
  const byStatus: Record<string, number> = {};
  for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  return {
    byStatus,
    expiries: rows.flatMap((row) => (row.notAfter ? [{ domain: row.domain, notAfter: row.notAfter }] : [])),
  };
}
