// HTTP-01 answers (issue 15): the portal's ACME client asks the agent to publish a key
// authorization under /.well-known/acme-challenge/TOKEN, and every Wheelhouse site's HTTP block
// serves that path from this directory as static files. Adding or removing one needs no reload.
import { chmod, mkdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { acmeTokenSchema } from "@wheelhouse/shared";

const OTHERS_SEARCH = 0o001;

/**
 * Creates the webroot readable by nginx's workers, which run as another user (nobody, www-data).
 * They must also pass through the agent's state directory and the config directory above it, which
 * are created 0700: search without read lets them through without listing either (agent.json stays
 * 0600). The system nginx gets no other help from the agent to get there, so this is done here.
 */
export async function ensureAcmeWebroot(webroot: string): Promise<void> {
  await mkdir(webroot, { recursive: true, mode: 0o755 });
  await chmod(webroot, 0o755);
  for (const dir of [dirname(webroot), dirname(dirname(webroot))]) {
    const { mode } = await stat(dir);
    if ((mode & OTHERS_SEARCH) === 0) await chmod(dir, (mode & 0o7777) | OTHERS_SEARCH);
  }
}

/** The token is a file name: checked again here, whatever the caller parsed already. */
function answerPath(webroot: string, token: string): string {
  return join(webroot, acmeTokenSchema.parse(token));
}

/** Publishes the answer: written beside its name and renamed, so nginx never serves half of it. */
export async function putChallenge(webroot: string, token: string, keyAuthorization: string): Promise<void> {
  const path = answerPath(webroot, token);
  await ensureAcmeWebroot(webroot);
  const temporary = join(webroot, `.${token}.tmp`);
  await writeFile(temporary, keyAuthorization, { mode: 0o644 });
  // writeFile's mode applies only to a new file, and the umask may narrow it.
  await chmod(temporary, 0o644);
  await rename(temporary, path);
}

/** Withdraws the answer; one already gone counts as removed. */
export async function removeChallenge(webroot: string, token: string): Promise<void> {
  try {
    await unlink(answerPath(webroot, token));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
