// wheelhouse certs list / show / issue / renew / upload (issue 15): the team's TLS certificates,
// ordered by the portal from its ACME directory or uploaded. Issue and renew only ask: the portal
// orders in the background and answers at once; --wait follows the order to Active (exit 0) or
// Failed (exit 1). Upload sends PEM files the portal checks and serves at once.
import {
  type CertificateDetail,
  certificateDomainSchema,
  certificateUploadSchema,
  domainSchema,
} from "@wheelhouse/shared";
import type { Command } from "commander";
import type { ApiClient } from "../api/api-client";
import { type Context, connect } from "../context";
import { UsageError } from "../errors";
import { clean, formatTimeUntil } from "../output/format";
import { printJson } from "../output/terminal";
import { parseArgument } from "./arguments";
import { readPemFile } from "./certificate-files";
import { certificatesTable, commonName, renderCertificate } from "./certificate-text";
import { formatInstant } from "./incidents";
import { checkOutcome, waitForCertificate } from "./watch-certificate";

interface JsonOption {
  json?: boolean;
}

interface OrderOptions extends JsonOption {
  wait?: boolean;
}

interface UploadOptions extends JsonOption {
  cert: string;
  key: string;
  chain?: string;
  root?: string;
}

/** A domain to order for: never a wildcard (HTTP-01 cannot prove one). */
function parseDomain(text: string): string {
  return parseArgument(certificateDomainSchema, text, `DOMAIN "${text}"`);
}

/** A domain to read: an uploaded certificate may be a wildcard. */
function parseLookupDomain(text: string): string {
  return parseArgument(domainSchema, text, `DOMAIN "${text}"`);
}

async function listCommand(context: Context, options: JsonOption): Promise<void> {
  const certificates = await connect(context).listCertificates();
  if (options.json) return printJson(context.terminal, certificates);
  if (certificates.length === 0) {
    context.terminal.out(
      "No certificates yet. Order one for a domain of an app (see wheelhouse apps list) with: wheelhouse certs issue DOMAIN --wait\n",
    );
    return;
  }
  context.terminal.out(certificatesTable(certificates, context));
}

async function showCommand(context: Context, text: string, options: JsonOption): Promise<void> {
  const certificate = await connect(context).getCertificate(parseLookupDomain(text));
  if (options.json) return printJson(context.terminal, certificate);
  context.terminal.out(renderCertificate(certificate, context));
}

/** The request's answer, said once: on stdout without --wait, on stderr above the status changes with it. */
function describeRequested(certificate: CertificateDetail, wait: boolean): string {
  const subject = `the certificate for ${certificate.domain} (app ${clean(certificate.app.name)})`;
  const served = certificate.status === "Renewing" ? "; the current one is served until its successor is issued" : "";
  if (wait) {
    return `Ordering ${subject}${served}. Ctrl-C stops watching; the order carries on.\n`;
  }
  return `Ordering ${subject}: it is ${certificate.status}${served}. Follow it with: wheelhouse certs show ${certificate.domain}\n`;
}

function describeActive(certificate: CertificateDetail, now: Date): string {
  const dates =
    certificate.notBefore && certificate.notAfter
      ? `: valid ${formatInstant(certificate.notBefore)} → ${formatInstant(certificate.notAfter)} (expires ${formatTimeUntil(certificate.notAfter, now)})`
      : "";
  const issuer = certificate.issuer ? `, issued by ${commonName(certificate.issuer)}` : "";
  return `The certificate for ${certificate.domain} is Active${dates}${issuer}.\n`;
}

async function order(
  context: Context,
  text: string,
  options: OrderOptions,
  ask: (client: ApiClient, domain: string) => Promise<CertificateDetail>,
): Promise<void> {
  const domain = parseDomain(text);
  const client = connect(context);
  const requested = await ask(client, domain);
  if (!options.wait) {
    if (options.json) printJson(context.terminal, requested);
    else context.terminal.out(describeRequested(requested, false));
    return;
  }
  context.terminal.err(describeRequested(requested, true));
  const result = await waitForCertificate(context, client, requested);
  if (options.json) printJson(context.terminal, result.certificate);
  else if (result.decided && result.certificate.status === "Active") {
    context.terminal.out(describeActive(result.certificate, context.now()));
  }
  checkOutcome(context, result);
}

type PemField = "certificatePem" | "keyPem" | "chainPem" | "trustedRootPem";

/** Reads the files and checks them against the upload schema: a problem is exit 2, nothing sent. */
function uploadInput(text: string, options: UploadOptions) {
  const domain = parseArgument(domainSchema, text, `DOMAIN "${text}"`);
  const files: Record<PemField, readonly [flag: string, path: string] | null> = {
    certificatePem: ["--cert", options.cert],
    keyPem: ["--key", options.key],
    chainPem: options.chain === undefined ? null : ["--chain", options.chain],
    trustedRootPem: options.root === undefined ? null : ["--root", options.root],
  };
  const read = (file: readonly [string, string] | null) => (file ? readPemFile(file[0], file[1]) : null);
  const parsed = certificateUploadSchema.safeParse({
    domain,
    certificatePem: read(files.certificatePem),
    keyPem: read(files.keyPem),
    chainPem: read(files.chainPem),
    trustedRootPem: read(files.trustedRootPem),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path[0];
  const file = typeof field === "string" && field in files ? files[field as PemField] : null;
  throw new UsageError(`${file ? `${file[0]} ${file[1]}` : "upload"}: ${issue?.message ?? "invalid value"}`);
}

async function uploadCommand(context: Context, text: string, options: UploadOptions): Promise<void> {
  const certificate = await connect(context).uploadCertificate(uploadInput(text, options));
  if (options.json) return printJson(context.terminal, certificate);
  context.terminal.out(renderCertificate(certificate, context));
}

const DOMAIN_HELP = "a domain of one of the team's apps, e.g. shop.example.com";
const WAIT_HELP =
  "follow the order: exit 0 when Active, 1 when it fails (with the CA's problem) or is still undecided after 10 min";
const ORDER_EXIT_CODES = `
With --wait: every second it reads the certificate and prints each status change on stderr;
exit 0 when Active (dates and issuer on stdout), 1 when the order failed (the ACME problem's type
and detail, as the CA wrote them, and the next try), or when it is still undecided after 10 min
(the order carries on). --json prints the certificate as last read, whatever the exit code.`;

export function registerCertsCommands(program: Command, context: Context): void {
  const certs = program
    .command("certs")
    .description(
      "The team's TLS certificates for its apps' domains, ordered from the portal's ACME directory or uploaded (issuing, renewing and uploading need operator).",
    );

  certs
    .command("list")
    .description("List the team's certificates: domain, app, status, expiry, issuer, and why a failed one failed.")
    .option("--json", "print the certificates as a JSON array, as the portal sends them")
    .addHelpText(
      "after",
      `
Examples:
  wheelhouse certs list
  wheelhouse certs list --json | jq -r '.[] | select(.status == "Failed") | "\\(.domain) \\(.error.type)"'`,
    )
    .action((options: JsonOption) => listCommand(context, options));

  certs
    .command("show")
    .description(
      "Show one certificate: dates, issuer, names, chain, last error with the next attempt, and its newest history.",
    )
    .argument("<domain>", "the certificate's domain")
    .option("--json", "print the certificate as a JSON object (chain and history included; never its key)")
    .action((domain: string, options: JsonOption) => showCommand(context, domain, options));

  certs
    .command("issue")
    .description(
      "Order a certificate for a domain of an app (HTTP-01 through the agent's nginx); it starts Pending. One that exists is renewed.",
    )
    .argument("<domain>", DOMAIN_HELP)
    .option("--wait", WAIT_HELP)
    .option("--json", "print the certificate as a JSON object (with --wait, as last read)")
    .addHelpText(
      "after",
      `${ORDER_EXIT_CODES}

Examples:
  wheelhouse certs issue shop.example.com --wait
  wheelhouse certs issue shop.example.com && wheelhouse certs show shop.example.com`,
    )
    .action((domain: string, options: OrderOptions) =>
      order(context, domain, options, (client, checked) => client.issueCertificate(checked)),
    );

  certs
    .command("renew")
    .description("Order the domain's certificate again now; the current one is served until the new one is issued.")
    .argument("<domain>", DOMAIN_HELP)
    .option("--wait", WAIT_HELP)
    .option("--json", "print the certificate as a JSON object (with --wait, as last read)")
    .addHelpText("after", `${ORDER_EXIT_CODES}\n\nExample:\n  wheelhouse certs renew shop.example.com --wait`)
    .action((domain: string, options: OrderOptions) =>
      order(context, domain, options, (client, checked) => client.renewCertificate(checked)),
    );

  certs
    .command("upload")
    .description(
      "Serve a certificate of your own for a domain of an app (wildcards too): the portal checks the key, names, dates and chain, then nginx serves it at once.",
    )
    .argument("<domain>", "a domain of one of the team's apps, e.g. shop.example.com or *.example.com")
    .requiredOption("--cert <file>", "the certificate, PEM (the leaf first; intermediates may follow it)")
    .requiredOption("--key <file>", "its private key, PEM, without a passphrase")
    .option("--chain <file>", "the intermediate certificates, PEM")
    .option("--root <file>", "a root to trust for this chain when the system does not (a private CA), PEM")
    .option("--json", "print the certificate as a JSON object (never its key)")
    .addHelpText(
      "after",
      `
The files are read and bounded before anything is sent: a missing, unreadable or oversized file is
exit 2. The portal refuses a key that does not match, names that do not cover DOMAIN, an expired or
not yet valid certificate and an incomplete or untrusted chain, each with its own sentence (exit 1),
and changes nothing then. An uploaded certificate is never renewed by ACME: upload its successor
before it expires (a warning comes 14 days ahead), or order one with wheelhouse certs renew.

Example:
  wheelhouse certs upload shop.example.com --cert shop.crt --key shop.key --chain intermediate.crt`,
    )
    .action((domain: string, options: UploadOptions) => uploadCommand(context, domain, options));
}
