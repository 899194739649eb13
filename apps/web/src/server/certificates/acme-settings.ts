// Which ACME directory the portal orders from (issue 15). One setting per portal: the row an admin
// saved on Settings, else the environment (ACME_DIRECTORY_URL, ACME_CA_BUNDLE, ACME_EMAIL), so a
// fresh install orders from Let's Encrypt and a test points the portal at pebble without a click.
import { readFile } from "node:fs/promises";
import type { Config } from "../config/env";
import type { Db } from "../db/client";

export interface AcmeSettings {
  directoryUrl: string;
  /** PEM of CA certificates trusted besides the system's, for the ACME server's own HTTPS only. */
  caBundlePem: string | null;
  email: string | null;
  /** Where these came from: the Settings page, or the environment's defaults. */
  source: "settings" | "environment";
}

/** The CA bundle file named by ACME_CA_BUNDLE could not be read: a sentence naming it. */
export class CaBundleError extends Error {}

export async function effectiveAcmeSettings(db: Db, config: Pick<Config, "acme">): Promise<AcmeSettings> {
  const saved = await db.acmeSettings.findUnique({ where: { id: 1 } });
  if (saved) {
    return { directoryUrl: saved.directoryUrl, caBundlePem: saved.caBundlePem, email: saved.email, source: "settings" };
  }
  const { directoryUrl, caBundleFile, email } = config.acme;
  return {
    directoryUrl,
    caBundlePem: caBundleFile ? await readCaBundle(caBundleFile) : null,
    email: email ?? null,
    source: "environment",
  };
}

/** Read at each order, so a bundle replaced on disk is used without a restart. */
async function readCaBundle(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "an error";
    throw new CaBundleError(`The ACME CA bundle ${file} (ACME_CA_BUNDLE) cannot be read (${code}).`);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new CaBundleError(`The ACME CA bundle ${file} (ACME_CA_BUNDLE) holds no PEM certificate.`);
  }
  return text;
}
