// dns.resolve: what a name resolves to on this host (seed sections "database connection failed",
// "certificate stuck pending"): the system's answer as the apps get it (getaddrinfo, /etc/hosts
// included) and the DNS servers' own answer, which differ when /etc/hosts overrides a name.
import { promises as dns } from "node:dns";
import type { CheckParams } from "@wheelhouse/shared";
import { type CheckContext, type CheckDraft, errorCode, messageOf } from "./check-result";

/** getaddrinfo cannot be cancelled; a lookup still pending after this long is reported as such. */
const LOOKUP_TIMEOUT_MS = 10_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${LOOKUP_TIMEOUT_MS / 1000} s`)),
      LOOKUP_TIMEOUT_MS,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** What the DNS servers say, both families; their errors are part of the output, not the verdict. */
async function askServers(name: string): Promise<{ addresses: string[]; errors: string[] }> {
  const resolver = new dns.Resolver({ timeout: 3_000, tries: 1 });
  const answers = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses: string[] = [];
  const errors: string[] = [];
  for (const answer of answers) {
    if (answer.status === "fulfilled") addresses.push(...answer.value);
    else errors.push(errorCode(answer.reason) ?? messageOf(answer.reason));
  }
  return { addresses, errors };
}

export async function dnsResolve(_context: CheckContext, params: CheckParams<"dns.resolve">): Promise<CheckDraft> {
  const servers = await askServers(params.name);
  let system: string[];
  try {
    system = (await withTimeout(dns.lookup(params.name, { all: true }), `looking up ${params.name}`)).map(
      (entry) => entry.address,
    );
  } catch (error) {
    const code = errorCode(error);
    const why =
      code === "ENOTFOUND" ? "no such name" : code === "EAI_AGAIN" ? "the DNS server did not answer" : messageOf(error);
    return {
      outcome: "fail",
      finding: `${params.name} does not resolve on this host: ${why}`,
      output: `DNS servers: ${servers.addresses.join(", ") || servers.errors.join(", ")}`,
      facts: { name: params.name, addresses: [], serverAddresses: servers.addresses },
    };
  }
  const output = [
    `system (getaddrinfo): ${system.join(", ")}`,
    `DNS servers: ${servers.addresses.length > 0 ? servers.addresses.join(", ") : `no answer (${servers.errors.join(", ")})`}`,
  ].join("\n");
  const facts = { name: params.name, addresses: system, serverAddresses: servers.addresses };
  if (params.expectAddress !== undefined && !system.includes(params.expectAddress))
    return {
      outcome: "fail",
      finding: `${params.name} resolves to ${system.join(", ")}, not ${params.expectAddress}`,
      output,
      facts,
    };
  return { outcome: "pass", finding: `${params.name} resolves to ${system.join(", ")}`, output, facts };
}
