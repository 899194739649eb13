// The portal's ACME account for a directory (issue 15): one key per portal and directory, made on
// the first order and sealed with SECRET_KEY; the account URL is remembered once the CA gave it, so
// later orders reuse the account instead of registering again.
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";

export interface StoredAcmeAccount {
  id: string;
  directoryUrl: string;
  accountKeyPem: string;
  accountUrl: string | null;
  email: string | null;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/**
 * The account for this directory, made (key only; the CA registers it at the first order) when
 * there is none. Two processes making one at once: the unique directory URL keeps the first.
 */
export async function acmeAccountFor(
  db: Db,
  secrets: SecretBox,
  directoryUrl: string,
  makeKey: () => Promise<string>,
): Promise<StoredAcmeAccount> {
  const open = (row: {
    id: string;
    directoryUrl: string;
    accountKey: string;
    accountUrl: string | null;
    email: string | null;
  }) => ({
    id: row.id,
    directoryUrl: row.directoryUrl,
    accountKeyPem: secrets.open(row.accountKey),
    accountUrl: row.accountUrl,
    email: row.email,
  });
  const existing = await db.acmeAccount.findUnique({ where: { directoryUrl } });
  if (existing) return open(existing);
  const key = await makeKey();
  try {
    return open(await db.acmeAccount.create({ data: { directoryUrl, accountKey: secrets.seal(key) } }));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.acmeAccount.findUniqueOrThrow({ where: { directoryUrl } });
    return open(winner);
  }
}

/** Keeps the account URL (and the contact it was registered with) the CA answered. */
export async function rememberAccount(db: Db, id: string, accountUrl: string, email: string | null): Promise<void> {
  await db.acmeAccount.update({ where: { id }, data: { accountUrl, email } });
}
