// Certificates and keys as nginx reads them: one pair of files per certified domain in the state's
// certs directory. Names are content-addressed (app id, a hash of the domain, a hash of the
// content), so a renewed certificate gets new names: the configuration that references them changes
// (and with it configHash, so nginx reloads), and the files the last good configuration references
// stay in place until an apply that no longer needs them has succeeded.
import { createHash } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { NginxSite, SiteCertificate } from "@wheelhouse/shared";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/;
// An encrypted key would need a passphrase nginx is not given: only plain PKCS#8, PKCS#1 and SEC1 keys.
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC )?)PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END \1PRIVATE KEY-----/;
const CERTIFICATE_FILE = /^[A-Za-z0-9_-]+-[0-9a-f]{16}-[0-9a-f]{16}\.(crt|key)$/;

export interface CertificateFile {
  content: string;
  mode: number;
}

export interface CertificatePaths {
  certificate: string;
  key: string;
  /** SHA-256 of the full chain, written into the configuration as a comment. */
  chainSha256: string;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function baseName(appId: string, certificate: SiteCertificate): string {
  const content = sha256(`${certificate.fullChainPem}\0${certificate.keyPem}`).slice(0, 16);
  // Never the raw domain: a wildcard's `*` has no place in a file name.
  return `${appId}-${sha256(certificate.domain).slice(0, 16)}-${content}`;
}

/** Refuses, with a sentence naming the app and domain, PEM text that is plainly not a certificate chain and key. */
export function assertPemShape(appName: string, certificate: SiteCertificate): void {
  const what = `the certificate of ${certificate.domain} (app ${appName})`;
  if (!CERTIFICATE_BLOCK.test(certificate.fullChainPem)) {
    throw new Error(`Refusing ${what}: fullChainPem holds no PEM "BEGIN CERTIFICATE" block.`);
  }
  if (!KEY_BLOCK.test(certificate.keyPem)) {
    throw new Error(`Refusing ${what}: keyPem holds no unencrypted PEM private key.`);
  }
}

export function certificatePaths(appId: string, certificate: SiteCertificate, certsDir: string): CertificatePaths {
  const name = baseName(appId, certificate);
  return {
    certificate: join(certsDir, `${name}.crt`),
    key: join(certsDir, `${name}.key`),
    chainSha256: sha256(certificate.fullChainPem),
  };
}

/** Every certificate and key file these sites need, by file name. */
export function certificateFiles(sites: readonly NginxSite[]): Map<string, CertificateFile> {
  const files = new Map<string, CertificateFile>();
  for (const site of sites) {
    for (const certificate of site.tls) {
      const name = baseName(site.appId, certificate);
      files.set(`${name}.crt`, { content: certificate.fullChainPem, mode: 0o644 });
      files.set(`${name}.key`, { content: certificate.keyPem, mode: 0o600 });
    }
  }
  return files;
}

async function currentContent(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Writes each file that is missing or differs (beside its name, then renamed); the directory is 0700. */
export async function writeCertificateFiles(
  certsDir: string,
  files: ReadonlyMap<string, CertificateFile>,
): Promise<void> {
  await mkdir(certsDir, { recursive: true, mode: 0o700 });
  await chmod(certsDir, 0o700);
  for (const [name, { content, mode }] of files) {
    const path = join(certsDir, name);
    if ((await currentContent(path)) === content) continue;
    const temporary = join(certsDir, `.${name}.tmp`);
    await writeFile(temporary, content, { mode });
    // writeFile's mode applies only to a new file, and the umask may narrow it.
    await chmod(temporary, mode);
    await rename(temporary, path);
  }
}

/** Removes the certificate files not in `keep`; anything else in the directory is left alone. */
export async function removeOtherCertificateFiles(certsDir: string, keep: ReadonlyMap<string, unknown>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(certsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const name of names) {
    if (CERTIFICATE_FILE.test(name) && !keep.has(name)) await unlink(join(certsDir, name));
  }
}
