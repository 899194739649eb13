// Who is asking: the address every rate limit, session and audit event records. X-Forwarded-For is
// a header anyone can send, so it is believed only hop by hop from the proxies named in
// TRUSTED_PROXIES (proxy-addr walks the chain from the socket outwards and stops at the first
// address that is not a trusted proxy). With none trusted (the default) it is the socket's peer.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/** True when the proxy at `address` (hop `hop`, 0 = the socket's peer) may tell us who it forwards for. */
export type TrustedProxies = (address: string, hop: number) => boolean;

/** Used when the socket has already closed and Node no longer knows its peer. */
const UNKNOWN_ADDRESS = "unknown";

/**
 * Compiles TRUSTED_PROXIES entries (addresses, CIDR ranges, or proxy-addr's names loopback,
 * linklocal, uniquelocal). Throws a TypeError naming the first entry that is neither.
 */
export function compileTrustedProxies(entries: readonly string[]): TrustedProxies {
  return proxyaddr.compile([...entries]);
}

export function clientAddress(
  remoteAddress: string | undefined,
  headers: IncomingHttpHeaders,
  trusted: TrustedProxies,
): string {
  if (!remoteAddress) return UNKNOWN_ADDRESS;
  // proxy-addr reads only these two fields of a request (through the `forwarded` package); a
  // socket handshake has them too, so both transports pass what they have.
  const request = { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
  return proxyaddr(request, trusted);
}
