// The CLI's `login --email --password`: the same checks and limits as the sign-in page, and a new
// API key instead of a session.
import { createApiKey } from "./api-keys";
import { type SignInAttempt, type SignInDeps, verifyCredentials } from "./sign-in";

export async function createApiKeyWithPassword(deps: SignInDeps, attempt: SignInAttempt & { name: string }) {
  const { user, teamId } = await verifyCredentials(deps, attempt);
  const created = await createApiKey(deps.db, user.id, attempt.name);
  return { user, teamId, created };
}
