// Saving the portal's ACME directory settings (issue 15), from Settings by an admin, and going back
// to the environment's defaults.

import { X509Certificate } from "node:crypto";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { splitPemCertificates } from "./certificate-chain";

export interface AcmeSettingsInput {
  directoryUrl: string;
  caBundlePem: string | null;
  email: string | null;
}

/** Refuses a CA bundle that holds no certificate, or one that does not parse, with a sentence. */
function checkCaBundle(pem: string): string {
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0)
    throw new AppError("BAD_INPUT", "The CA bundle holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new AppError("BAD_INPUT", `Certificate ${index + 1} of the CA bundle does not parse.`);
    }
  });
  return blocks.join("\n");
}

export async function saveAcmeSettings(db: Db, input: AcmeSettingsInput): Promise<AcmeSettingsInput> {
  const caBundlePem = input.caBundlePem?.trim() ? checkCaBundle(input.caBundlePem) : null;
  const data = { directoryUrl: input.directoryUrl, caBundlePem, email: input.email?.toLowerCase() ?? null };
  await db.acmeSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  return data;
}

/**
 * Forgets what an admin saved, so the environment's defaults (ACME_DIRECTORY_URL, ACME_CA_BUNDLE,
 * ACME_EMAIL) apply again; the account of each directory is kept. Whether there was anything saved.
 */
export async function forgetAcmeSettings(db: Db): Promise<boolean> {
  const { count } = await db.acmeSettings.deleteMany({ where: { id: 1 } });
  return count > 0;
}
