// The team's registry logins: which one a pull needs, opened only to hand it to an agent inside the
// pull command. Passwords are sealed with SECRET_KEY and never leave the portal any other way.
import { loginServerAddress, type RegistryLogin, registryOf } from "@wheelhouse/shared";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";

/** How a login is named in messages: never its password. */
export function loginName(login: { username: string; host: string }): string {
  return `${login.username} at ${login.host}`;
}

/**
 * The login a pull of `ref` needs: the team's login for the reference's registry, opened; undefined
 * when the team has none (the engine then pulls anonymously) or `ref` is an image id.
 */
export async function loginForImage(
  db: Db,
  secrets: SecretBox,
  teamId: string,
  ref: string,
): Promise<RegistryLogin | undefined> {
  const registry = registryOf(ref);
  if (!registry) return undefined;
  const row = await db.registryLogin.findUnique({ where: { teamId_host: { teamId, host: registry } } });
  if (!row) return undefined;
  return {
    name: loginName(row),
    serverAddress: loginServerAddress(registry),
    username: row.username,
    password: secrets.open(row.passwordSealed),
  };
}
