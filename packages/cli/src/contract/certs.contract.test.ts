// Contract test of `wheelhouse certs` (issue 15), in-process against the stand-in portal: the list
// (table and JSON), one certificate's page, issue and renew with and without --wait (Active exit 0,
// Failed exit 1 with the CA's problem, an old failure not mistaken for the new order's, waiting given
// up after 10 min), bad domains refused before anything is sent, and the portal's refusals. Upload:
// the files read and sent as they are, missing, folder, oversized and empty files refused with exit
// code 2 before anything is sent, and the portal's refusal of a bundle passed on with exit code 1.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certificateDetailSchema } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERTIFICATE_POLL_INTERVAL_MS } from "../commands/watch-certificate";
import { inProcessCli } from "./in-process-cli";
import {
  CANNED_CERTIFICATES,
  certificateSummaries,
  KEY_MISMATCH,
  NEW_PROBLEM,
  OLD_PROBLEM,
  uploaded,
} from "./stand-in-certificates";
import { STAND_IN } from "./stand-in-portal";

const cli = inProcessCli("certs");

function sent() {
  return cli.portal().requests.map((request) => `${request.method} ${request.path}`);
}

/** A clock that moves only when the CLI sleeps, and the sleeps it asked for. */
function pollingClock() {
  const sleeps: number[] = [];
  let elapsed = 0;
  return {
    sleeps,
    clock: {
      now: () => new Date(STAND_IN.startedAt + elapsed),
      sleep: async (milliseconds: number) => {
        sleeps.push(milliseconds);
        elapsed += milliseconds;
      },
    },
  };
}

describe("wheelhouse certs list", () => {
  it("shows domain, app, status, expiry and issuer, and a failed one's problem under its row", async () => {
    const result = await cli.run(["certs", "list"]);
    expect(result.code, result.stderr).toBe(0);
    expect(sent()).toEqual(["GET /api/v1/certificates"]);
    expect(result.stdout.split("\n")).toEqual([
      "DOMAIN               APP          STATUS  EXPIRES               ISSUER",
      "billing.example.com  billing-api  Active  in 60 d (2027-01-21)  Pebble Intermediate CA 6b2c1e",
      "shop.example.com     shop         Failed  -                     -",
      `  ↳ ${OLD_PROBLEM.detail} (next try in 5 min)`,
      "",
    ]);
    expect(result.stderr).toBe("");
  });

  it("--json prints the certificates array as the portal sent it, and nothing else", async () => {
    const result = await cli.run(["certs", "list", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(certificateSummaries());
    expect(result.stderr).toBe("");
  });
});

describe("wheelhouse certs show", () => {
  it("prints dates, issuer, names, the chain as subject ← issuer, and the newest history", async () => {
    const result = await cli.run(["certs", "show", "billing.example.com"]);
    expect(result.code, result.stderr).toBe(0);
    expect(sent()).toEqual(["GET /api/v1/certificates/billing.example.com"]);
    const out = result.stdout;
    expect(out).toMatch(/^billing\.example\.com {2}Active\n/);
    expect(out).toContain("App:         billing-api\n");
    expect(out).toContain("Valid:       2026-10-23 10:00:00 UTC → 2027-01-21 10:00:00 UTC (expires in 60 d)\n");
    expect(out).toContain("Issuer:      CN=Pebble Intermediate CA 6b2c1e\n");
    expect(out).toContain("Names:       billing.example.com\n");
    expect(out).toContain("Renews:      2026-12-22 10:00:00 UTC (in 30 d)\n");
    expect(out).toContain(
      "Chain (leaf first, subject ← issuer):\n" +
        "  CN=billing.example.com ← CN=Pebble Intermediate CA 6b2c1e\n" +
        "  CN=Pebble Intermediate CA 6b2c1e ← CN=Pebble Root CA 0f7a1b\n",
    );
    const history = out.slice(out.indexOf("History (newest first):\n")).split("\n").slice(1, -1);
    // Ten of the thirteen entries, newest first, then how many more --json has.
    expect(history).toHaveLength(11);
    expect(history[0]).toBe(
      "  2026-10-23 10:01:00 UTC  renewed          serial 0b1, from Pebble Intermediate CA 6b2c1e, valid until 2027-01-21 10:00:00 UTC",
    );
    expect(history[1]).toBe("  2026-10-23 10:00:00 UTC  renewal-started");
    expect(history[10]).toBe("  … 3 older (--json has them)");
    expect(out).not.toContain("Last error");
  });

  it("prints a failed one's ACME problem, type and detail verbatim, and when it is tried next", async () => {
    const result = await cli.run(["certs", "show", "shop.example.com"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `Last error:  ${OLD_PROBLEM.type}\n             ${OLD_PROBLEM.detail}\n` +
        "Next try:    2026-11-22 10:05:00 UTC (in 5 min); 2 failures in a row\n",
    );
    expect(result.stdout).toContain("Valid:       nothing issued yet\n");
  });

  it("--json prints the certificate object, chain and history included", async () => {
    const result = await cli.run(["certs", "show", "billing.example.com", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(CANNED_CERTIFICATES[0]);
  });

  it("an unknown domain is the portal's 404 sentence and exit code 1", async () => {
    const result = await cli.run(["certs", "show", "nobody.example.com"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: There is no certificate for nobody.example.com in your team.\n");
    expect(result.stdout).toBe("");
  });

  it("reads a wildcard domain (an uploaded certificate may be one)", async () => {
    const result = await cli.run(["certs", "show", "*.nobody.example.com"]);
    expect(cli.portal().requests[0]?.path).toBe("/api/v1/certificates/*.nobody.example.com");
    expect(result.stderr).toBe("wheelhouse: There is no certificate for *.nobody.example.com in your team.\n");
  });
});

describe("wheelhouse certs issue", () => {
  it("without --wait says it is Pending and how to follow it, after one POST of the lower-cased domain", async () => {
    const result = await cli.run(["certs", "issue", "New.Example.com"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      "Ordering the certificate for new.example.com (app shop): it is Pending. Follow it with: wheelhouse certs show new.example.com\n",
    );
    expect(cli.portal().requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ["POST", "/api/v1/certificates/new.example.com/issue", {}],
    ]);
  });

  it("--json without --wait prints the answer of the request, Pending", async () => {
    const result = await cli.run(["certs", "issue", "new.example.com", "--json"]);
    expect(result.code).toBe(0);
    expect(certificateDetailSchema.parse(JSON.parse(result.stdout))).toMatchObject({
      domain: "new.example.com",
      status: "Pending",
    });
    expect(result.stderr).toBe("");
  });

  it("--wait polls every second, prints each status on stderr, and exits 0 with dates and issuer once Active", async () => {
    const { sleeps, clock } = pollingClock();
    const result = await cli.run(["certs", "issue", "new.example.com", "--wait"], clock);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      "Ordering the certificate for new.example.com (app shop). Ctrl-C stops watching; the order carries on.\n" +
        "Pending…\n" +
        "Active (14.2 s)\n",
    );
    expect(result.stdout).toBe(
      "The certificate for new.example.com is Active: valid 2026-11-22 10:00:00 UTC → 2027-02-20 10:00:00 UTC (expires in 89 d), issued by Pebble Intermediate CA 6b2c1e.\n",
    );
    expect(sent()).toEqual([
      "POST /api/v1/certificates/new.example.com/issue",
      "GET /api/v1/certificates/new.example.com",
      "GET /api/v1/certificates/new.example.com",
    ]);
    expect(sleeps).toEqual([CERTIFICATE_POLL_INTERVAL_MS, CERTIFICATE_POLL_INTERVAL_MS]);
    expect(CERTIFICATE_POLL_INTERVAL_MS).toBe(1_000);
  });

  it("--wait exits 1 when the order fails, with the new ACME problem verbatim, not the one from before", async () => {
    const { clock } = pollingClock();
    const result = await cli.run(["certs", "issue", "shop.example.com", "--wait"], clock);
    expect(result.code).toBe(1);
    // The answer and the first read are Pending still carrying the previous problem: not an outcome.
    expect(sent()).toHaveLength(3);
    // The detail as the CA sent it, less the colour codes the answering server slipped into it.
    const cleanDetail =
      "127.0.0.1: Invalid response from http://shop.example.com/.well-known/acme-challenge/x7Yq: 404 Not Found";
    expect(result.stderr).toBe(
      "Ordering the certificate for shop.example.com (app shop). Ctrl-C stops watching; the order carries on.\n" +
        "Pending…\n" +
        "Failed (8.5 s)\n" +
        `wheelhouse: The certificate for shop.example.com failed: ${NEW_PROBLEM.type}: ${cleanDetail}. Next try at 2026-11-22 10:10:00 UTC (in 9 min).\n`,
    );
    expect(result.stderr).not.toContain(OLD_PROBLEM.detail);
    expect(result.stdout).toBe("");
  });

  it("--wait --json prints the final certificate, Failed with its error, and still exits 1", async () => {
    const result = await cli.run(["certs", "issue", "shop.example.com", "--wait", "--json"], pollingClock().clock);
    expect(result.code).toBe(1);
    const printed = certificateDetailSchema.parse(JSON.parse(result.stdout));
    expect(printed).toMatchObject({ status: "Failed", error: NEW_PROBLEM });
    expect(result.stderr).toMatch(/wheelhouse: The certificate for shop\.example\.com failed: urn:ietf/);
  });

  it("--wait stops after 10 minutes of Pending with exit 1 and says the order carries on", async () => {
    const { sleeps, clock } = pollingClock();
    const result = await cli.run(["certs", "issue", "slow.example.com", "--wait"], clock);
    expect(result.code).toBe(1);
    expect(sleeps.reduce((sum, milliseconds) => sum + milliseconds, 0)).toBe(10 * 60_000);
    expect(result.stderr.split("\n").slice(1)).toEqual([
      "Pending…",
      "wheelhouse: The certificate for slow.example.com is still Pending after 10 min; stopped waiting (the order carries on). Follow it with: wheelhouse certs show slow.example.com",
      "",
    ]);
  });

  it.each([
    ["bad domain!", /^wheelhouse: DOMAIN "bad domain!": A domain is dot-separated labels/, true],
    // An uploaded certificate may be a wildcard: `show` reads it; only ordering one is refused.
    [
      "*.example.com",
      /^wheelhouse: DOMAIN "\*\.example\.com": A wildcard certificate needs the DNS-01 challenge/,
      false,
    ],
  ])("refuses %j with exit code 2 before sending anything", async (domain, message, refusedByShow) => {
    for (const argv of [
      ["certs", "issue", domain, "--wait"],
      ["certs", "renew", domain],
      ...(refusedByShow ? [["certs", "show", domain]] : []),
    ]) {
      const result = await cli.run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    }
    expect(cli.portal().requests).toHaveLength(0);
  });

  it.each([
    [
      "nobody.example.com",
      "No app of your team serves nobody.example.com: add the domain to an app first, then ask for its certificate.",
    ],
    ["busy.example.com", "The certificate for busy.example.com is being ordered right now; wait for it to finish."],
    ["vault.example.com", "Your role (viewer) cannot do this; it needs operator."],
  ])("passes the portal's refusal for %s on with exit code 1 and waits for nothing", async (domain, sentence) => {
    const result = await cli.run(["certs", "issue", domain, "--wait"], pollingClock().clock);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wheelhouse: ${sentence}\n`);
    expect(result.stdout).toBe("");
    expect(sent()).toEqual([`POST /api/v1/certificates/${domain}/issue`]);
  });
});

describe("wheelhouse certs renew", () => {
  it("without --wait says it is Renewing and that the current certificate is served meanwhile", async () => {
    const result = await cli.run(["certs", "renew", "billing.example.com"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      "Ordering the certificate for billing.example.com (app billing-api): it is Renewing; the current one is served until its successor is issued. Follow it with: wheelhouse certs show billing.example.com\n",
    );
    expect(sent()).toEqual(["POST /api/v1/certificates/billing.example.com/renew"]);
  });

  it("--wait follows Renewing to Active and prints the new dates", async () => {
    const result = await cli.run(["certs", "renew", "billing.example.com", "--wait"], pollingClock().clock);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split("\n").slice(1)).toEqual(["Renewing…", "Active (6.0 s)", ""]);
    expect(result.stdout).toBe(
      "The certificate for billing.example.com is Active: valid 2026-11-22 10:00:00 UTC → 2027-02-20 10:00:00 UTC (expires in 89 d), issued by Pebble Intermediate CA 6b2c1e.\n",
    );
  });

  it("a domain without a certificate yet is the portal's 404 sentence", async () => {
    const result = await cli.run(["certs", "renew", "new.example.com"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: There is no certificate for new.example.com yet: issue one first.\n");
  });
});

describe("wheelhouse certs upload", () => {
  let dir = "";
  const file = (name: string) => join(dir, name);
  const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
  const CERT = `${pem("CERTIFICATE", "MIIBleaf")}`;
  const KEY = pem("PRIVATE KEY", "MIGHAgEA");
  const CHAIN = pem("CERTIFICATE", "MIIBintermediate");
  const ROOT = pem("CERTIFICATE", "MIIBroot");

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "wheelhouse-certs-upload-"));
    writeFileSync(file("shop.crt"), CERT);
    writeFileSync(file("shop.key"), KEY);
    writeFileSync(file("chain.crt"), CHAIN);
    writeFileSync(file("root.crt"), ROOT);
    writeFileSync(file("empty.crt"), "\n");
    // Over the schema's 64,000 characters, under the size the CLI refuses to read at all.
    writeFileSync(file("long.crt"), pem("CERTIFICATE", "A".repeat(70_000)));
    writeFileSync(file("huge.bin"), Buffer.alloc(300_000));
    mkdirSync(file("folder.crt"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const uploadArgs = (domain: string, extra: string[] = []) => [
    "certs",
    "upload",
    domain,
    "--cert",
    file("shop.crt"),
    "--key",
    file("shop.key"),
    ...extra,
  ];

  it("sends the four files as they are and prints the certificate as certs show does", async () => {
    const result = await cli.run(
      uploadArgs("Shop.Example.com", ["--chain", file("chain.crt"), "--root", file("root.crt")]),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests.map((request) => [request.method, request.path, request.body])).toEqual([
      [
        "POST",
        "/api/v1/certificates/shop.example.com/upload",
        { domain: "shop.example.com", certificatePem: CERT, keyPem: KEY, chainPem: CHAIN, trustedRootPem: ROOT },
      ],
    ]);
    expect(result.stdout).toMatch(/^shop\.example\.com {2}Active\n/);
    expect(result.stdout).toContain("Source:      uploaded\n");
    expect(result.stdout).toContain("Issuer:      CN=Example Corp Issuing CA 2\n");
    expect(result.stdout).not.toContain("Renews:");
    expect(result.stdout).toContain(
      "  2026-11-22 10:00:00 UTC  uploaded         by ada@example.com, serial 5e0f, from Example Corp Issuing CA 2, valid until 2027-11-22 10:00:00 UTC\n",
    );
    expect(result.stderr).toBe("");
  });

  it("sends no chain and no root when they are not given, and --json prints the answer", async () => {
    const result = await cli.run(uploadArgs("*.example.com", ["--json"]));
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests[0]?.path).toBe("/api/v1/certificates/*.example.com/upload");
    expect(cli.portal().requests[0]?.body).toMatchObject({ chainPem: null, trustedRootPem: null });
    expect(JSON.parse(result.stdout)).toEqual(uploaded("*.example.com"));
  });

  it.each([
    [["--key", "missing.key"], "--key {dir}/missing.key: no such file."],
    [["--chain", "folder.crt"], "--chain {dir}/folder.crt: this is a folder; give the PEM file itself."],
    [
      ["--root", "huge.bin"],
      "--root {dir}/huge.bin: the file is 300,000 bytes, far more than a PEM certificate or key; is it the right file?",
    ],
    [["--cert", "long.crt"], "--cert {dir}/long.crt: The certificate is at most 64,000 characters of PEM."],
    [["--cert", "empty.crt"], "--cert {dir}/empty.crt: The certificate is empty: paste or choose its PEM file."],
  ])("refuses %j with exit code 2 and sends nothing", async ([flag, name], sentence) => {
    const args = uploadArgs("shop.example.com");
    const at = args.indexOf(flag ?? "");
    if (at >= 0) args.splice(at, 2, flag ?? "", file(name ?? ""));
    else args.push(flag ?? "", file(name ?? ""));
    const result = await cli.run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`wheelhouse: ${sentence.replace("{dir}", dir)}\n`);
    expect(result.stdout).toBe("");
    expect(cli.portal().requests).toHaveLength(0);
  });

  it("refuses a missing --key and a bad domain with exit code 2 before reading or sending", async () => {
    const noKey = await cli.run(["certs", "upload", "shop.example.com", "--cert", file("shop.crt")]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/--key <file>/);
    const badDomain = await cli.run(uploadArgs("bad domain!"));
    expect(badDomain.code).toBe(2);
    expect(badDomain.stderr).toMatch(/^wheelhouse: DOMAIN "bad domain!": A domain is dot-separated labels/);
    expect(cli.portal().requests).toHaveLength(0);
  });

  it.each([
    ["mismatch.example.com", KEY_MISMATCH],
    ["vault.example.com", "Your role (viewer) cannot do this; it needs operator."],
  ])("passes the portal's refusal for %s on with exit code 1", async (domain, sentence) => {
    const result = await cli.run(uploadArgs(domain));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wheelhouse: ${sentence}\n`);
    expect(result.stdout).toBe("");
    expect(sent()).toEqual([`POST /api/v1/certificates/${domain}/upload`]);
  });
});
