// A throw-away certificate authority made with the real openssl, for the tests of certificate uploads
// (unit and integration): roots, intermediates and leaves with chosen names, keys and dates. Dates
// come from `openssl ca -startdate/-enddate` (openssl 3.0's x509 has no -not_before), so an expired
// certificate is a real one. Only tests import this folder.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Issued {
  name: string;
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  /** Signed by this CA; self-signed (a root) when absent. */
  issuer?: Issued;
  /** Subject CN; the file names derive from it. */
  commonName: string;
  /** DNS names of the subjectAltName (leaves only). */
  names?: string[];
  /** A CA certificate (root or intermediate) rather than a server leaf. */
  ca?: boolean;
  /** Reuse this key file instead of making a new key. */
  keyFile?: string;
  notBefore?: Date;
  notAfter?: Date;
}

/** `YYYYMMDDHHMMSSZ`, as openssl ca takes it. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

async function openssl(args: string[]): Promise<void> {
  await run("openssl", args, { timeout: 20_000 });
}

export class OpensslPki {
  readonly dir: string;
  private readonly config: string;
  private count = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "wheelhouse-pki-"));
    mkdirSync(join(this.dir, "newcerts"));
    writeFileSync(join(this.dir, "index.txt"), "");
    writeFileSync(join(this.dir, "serial"), "1000\n");
    this.config = join(this.dir, "ca.cnf");
    writeFileSync(
      this.config,
      [
        "[ ca ]",
        "default_ca = test_ca",
        "[ test_ca ]",
        `database = ${join(this.dir, "index.txt")}`,
        `new_certs_dir = ${join(this.dir, "newcerts")}`,
        `serial = ${join(this.dir, "serial")}`,
        "default_md = sha256",
        "policy = any_name",
        "unique_subject = no",
        "email_in_dn = no",
        "copy_extensions = none",
        "[ any_name ]",
        "commonName = supplied",
        "[ req ]",
        "distinguished_name = req_name",
        "prompt = no",
        "[ req_name ]",
        "CN = unused",
        "",
      ].join("\n"),
    );
  }

  /** A new EC P-256 key (quick to make), as a file in the PKI's folder. */
  async newKey(label: string): Promise<string> {
    const keyFile = join(this.dir, `${label}-${++this.count}.key`);
    await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile]);
    return keyFile;
  }

  async issue(options: IssueOptions): Promise<Issued> {
    const label = `${options.commonName.replace(/[^a-zA-Z0-9.-]/g, "_")}-${++this.count}`;
    const keyFile = options.keyFile ?? (await this.newKey(label));
    const csrFile = join(this.dir, `${label}.csr`);
    const certFile = join(this.dir, `${label}.pem`);
    const extFile = join(this.dir, `${label}.ext`);
    writeFileSync(extFile, extensions(options));
    await openssl(["req", "-new", "-key", keyFile, "-subj", `/CN=${options.commonName}`, "-out", csrFile]);
    const now = Date.now();
    const notBefore = options.notBefore ?? new Date(now - HOUR_MS);
    const notAfter = options.notAfter ?? new Date(now + (options.ca ? 3_650 : 90) * DAY_MS);
    const signer = options.issuer
      ? ["-cert", options.issuer.certFile, "-keyfile", options.issuer.keyFile]
      : ["-selfsign", "-keyfile", keyFile];
    await openssl([
      "ca",
      "-batch",
      "-notext",
      "-config",
      this.config,
      "-rand_serial",
      ...signer,
      "-in",
      csrFile,
      "-out",
      certFile,
      "-startdate",
      asn1Time(notBefore),
      "-enddate",
      asn1Time(notAfter),
      "-extfile",
      extFile,
      "-extensions",
      "wanted",
    ]);
    return {
      name: options.commonName,
      certFile,
      keyFile,
      certPem: readFileSync(certFile, "utf8"),
      keyPem: readFileSync(keyFile, "utf8"),
    };
  }

  /** A root, an intermediate under it, and a leaf for `names` under that: the usual bundle. */
  async chain(names: string[], label = "Test"): Promise<{ root: Issued; intermediate: Issued; leaf: Issued }> {
    const root = await this.issue({ commonName: `${label} Root CA`, ca: true });
    const intermediate = await this.issue({ commonName: `${label} Intermediate CA`, ca: true, issuer: root });
    const leaf = await this.issue({ commonName: names[0] ?? "leaf", names, issuer: intermediate });
    return { root, intermediate, leaf };
  }

  /** The key in another PEM form: `encrypted` with a passphrase, or openssl's `traditional` EC form. */
  async convertKey(keyFile: string, form: "encrypted" | "traditional"): Promise<string> {
    const out = join(this.dir, `converted-${++this.count}.key`);
    if (form === "encrypted") {
      await openssl(["pkey", "-in", keyFile, "-aes256", "-passout", "pass:secret-passphrase", "-out", out]);
    } else {
      await openssl(["ec", "-in", keyFile, "-out", out]);
    }
    return readFileSync(out, "utf8");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function extensions(options: IssueOptions): string {
  const lines = ["[ wanted ]", "subjectKeyIdentifier = hash"];
  if (options.issuer) lines.push("authorityKeyIdentifier = keyid:always");
  if (options.ca) {
    lines.push("basicConstraints = critical, CA:true", "keyUsage = critical, keyCertSign, cRLSign");
  } else {
    lines.push(
      "basicConstraints = critical, CA:false",
      "keyUsage = critical, digitalSignature",
      "extendedKeyUsage = serverAuth",
    );
    if (options.names && options.names.length > 0) {
      lines.push(`subjectAltName = ${options.names.map((name) => `DNS:${name}`).join(", ")}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
