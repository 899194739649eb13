// GET /install/agent.sh, /install/wheelhouse-agent.tar.gz and its .sha256: how a host gets the agent
// (decision 028). No authentication: nothing in them is secret (the enrolment token is the secret,
// and it travels on the host's command line, never through these files). The tarball and its
// checksum come from the bundle `npm run build` made (manifest.json in the bundle folder); until
// one is built they answer 503 with a sentence saying so.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import type { PortalServices } from "../services";
import { readInstallScript, scriptPortalUrl } from "./install-script";

export const INSTALL_PATHS = {
  script: "/install/agent.sh",
  tarball: "/install/wheelhouse-agent.tar.gz",
  checksum: "/install/wheelhouse-agent.tar.gz.sha256",
} as const;

const repoRoot = new URL("../../../../../", import.meta.url);
const SCRIPT_PATH = new URL("scripts/install/agent.sh", repoRoot);
const DEFAULT_BUNDLE_DIR = new URL("apps/agent/dist/", repoRoot);

const manifestSchema = z.object({
  version: z.string().min(1).max(50),
  arch: z.string().min(1).max(20),
  tarball: z.string().regex(/^wheelhouse-agent-[\w.+-]{1,100}\.tar\.gz$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
type Manifest = z.infer<typeof manifestSchema>;

const NOT_BUILT =
  "The agent bundle is not built on this portal. Run `npm run build` in the portal's folder (npm start and npm test build it too), then try again.";

/** What the install routes use of the portal: no database, no sessions. */
export type InstallServices = {
  config: Pick<PortalServices["config"], "publicUrl" | "agentBundleDir">;
  logger: Pick<PortalServices["logger"], "warn">;
};

export function isInstallPath(pathname: string): boolean {
  return (Object.values(INSTALL_PATHS) as string[]).includes(pathname);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function bundleDir(services: InstallServices): URL {
  const configured = services.config.agentBundleDir;
  return configured ? pathToFileURL(configured.endsWith("/") ? configured : `${configured}/`) : DEFAULT_BUNDLE_DIR;
}

/** The built bundle's manifest, or null when none is built (or it is unreadable: then say so in the log). */
async function readManifest(services: InstallServices): Promise<{ dir: URL; manifest: Manifest } | null> {
  const dir = bundleDir(services);
  let text: string;
  try {
    text = await readFile(new URL("manifest.json", dir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    services.logger.warn(
      { dir: fileURLToPath(dir), issue: parsed.error.issues[0]?.message },
      "agent bundle manifest refused",
    );
    return null;
  }
  return { dir, manifest: parsed.data };
}

async function sendTarball(req: IncomingMessage, res: ServerResponse, dir: URL, manifest: Manifest) {
  const file = new URL(manifest.tarball, dir);
  const { size } = await stat(file);
  res.writeHead(200, {
    "content-type": "application/gzip",
    "content-length": String(size),
    "content-disposition": `attachment; filename="${manifest.tarball}"`,
    "cache-control": "no-cache",
    etag: `"${manifest.sha256}"`,
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  // Streamed: never the whole tarball in memory. A client that goes away ends the stream with it.
  const stream = createReadStream(file);
  stream.on("error", (error) => res.destroy(error));
  res.on("close", () => stream.destroy());
  stream.pipe(res);
}

export async function handleInstall(
  services: InstallServices,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return sendText(res, 405, "Use GET.\n", { allow: "GET, HEAD" });
  }
  if (pathname === INSTALL_PATHS.script) {
    const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
    const portalUrl = scriptPortalUrl(services.config.publicUrl, req.headers.host, encrypted);
    return sendText(res, 200, await readInstallScript(SCRIPT_PATH, portalUrl), {
      "content-type": "text/x-shellscript; charset=utf-8",
    });
  }
  const built = await readManifest(services);
  if (!built) return sendText(res, 503, `${NOT_BUILT}\n`, { "retry-after": "60" });
  if (pathname === INSTALL_PATHS.checksum) {
    return sendText(res, 200, `${built.manifest.sha256}  ${built.manifest.tarball}\n`);
  }
  await sendTarball(req, res, built.dir, built.manifest);
}
