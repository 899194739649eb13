// `openssl s_client` against a TLS port, the oracle of the certificate tests: whether the chain it
// was served verifies against a root file, and the serials of what it was served (leaf first).
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Serials as hex without leading zeros, whoever printed them. */
export function normalSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+/, "");
}

export interface Handshake {
  verified: boolean;
  /** The served certificates' serials, leaf first. */
  serials: string[];
  /** openssl's whole output, for a failing assertion's message. */
  output: string;
}

export async function opensslHandshake(to: { port: number; servername: string; caFile: string }): Promise<Handshake> {
  const exchange = run(
    "openssl",
    [
      ...["s_client", "-connect", `127.0.0.1:${to.port}`, "-servername", to.servername],
      ...["-CAfile", to.caFile, "-verify_return_error", "-showcerts"],
    ],
    { timeout: 15_000 },
  );
  // Nothing to send: s_client ends its session when its input does.
  exchange.child.stdin?.end();
  // A refused verification exits non-zero: its output is the answer all the same.
  const result = await exchange.catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? "",
    stderr: error.stderr ?? "",
  }));
  const output = `${result.stdout}${result.stderr}`;
  const served = output.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return {
    verified: /Verify return code: 0 \(ok\)/.test(output),
    serials: served.map((pem) => normalSerial(new X509Certificate(pem).serialNumber)),
    output,
  };
}
