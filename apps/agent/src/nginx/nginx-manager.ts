// The agent's nginx: renders every Wheelhouse site, checks the result with `nginx -t`, and reloads.
// managed mode runs nginx under its own prefix in daemon mode, so it outlives the agent and apps
// keep serving while the agent restarts; system mode writes into the host's own nginx. A refused
// or unloadable configuration is never left in place: the last good set is put back.
// Why: docs/decisions/009-agent-managed-nginx.md.
import { readFile, writeFile } from "node:fs/promises";
import type { NginxSite, NginxStatus } from "@wheelhouse/shared";
import type { NginxSettings } from "../config/settings";
import type { Logger } from "../logger";
import { ensureAcmeWebroot } from "./acme-challenges";
import { type ManagedLayout, managedLayout, renderMainConfig, type StateLayout, stateLayout } from "./main-config";
import { prepareManagedPrefix } from "./managed-prefix";
import {
  childPids,
  execNginx,
  fileSize,
  findNginx,
  isAlive,
  isMasterOf,
  NGINX_MISSING,
  NginxMissingError,
  processTitle,
  readPidFile,
  readSince,
  sleep,
  waitUntil,
} from "./nginx-process";
import { configHash, renderSites, siteFileName, tlsListenLine } from "./render-site";
import { SiteFiles } from "./site-files";
import { canRead, locateSystemNginx, type SystemNginxPaths, systemMaster } from "./system-nginx";
import { certificateFiles, removeOtherCertificateFiles, writeCertificateFiles } from "./tls-files";

export const NGINX_OFF = "nginx is off on this host (NGINX_MODE=off)";

const RELOAD_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class NginxManager {
  private readonly layout: ManagedLayout;
  private readonly state: StateLayout;
  private readonly sites: SiteFiles;
  private queue: Promise<void> = Promise.resolve();
  private lastError: string | null = null;
  private found: { binary: string; version: string | null } | null = null;

  constructor(
    private readonly settings: NginxSettings,
    private readonly logger: Logger,
  ) {
    this.layout = managedLayout(settings.prefixDir);
    const liveDir = settings.mode === "system" ? settings.systemSitesDir : this.layout.sitesDir;
    this.state = stateLayout(settings.prefixDir);
    this.sites = new SiteFiles(liveDir, this.state);
  }

  /** The directory acme.challenge.put writes into; every rendered HTTP block serves it. */
  acmeWebroot(): string {
    if (this.settings.mode === "off") throw new Error(NGINX_OFF);
    return this.state.acmeWebroot;
  }

  /** managed: adopt the nginx already running for this prefix (reloading it) or start one. */
  start(): Promise<void> {
    return this.enqueue(() => this.recordingError(() => this.startNow()));
  }

  /** Makes these sites, and only these, what nginx serves. */
  apply(sites: NginxSite[]): Promise<{ reloaded: boolean; configHash: string }> {
    return this.enqueue(() => this.recordingError(() => this.applyNow(sites)));
  }

  async status(): Promise<NginxStatus> {
    const { mode } = this.settings;
    if (mode === "off") {
      return { mode, running: false, httpPort: null, httpsPort: null, version: null, error: NGINX_OFF };
    }
    const httpPort = this.settings.httpPort;
    let version: string | null;
    try {
      version = (await this.nginx()).version;
    } catch (error) {
      if (!(error instanceof NginxMissingError)) throw error;
      return { mode, running: false, httpPort, httpsPort: null, version: null, error: NGINX_MISSING };
    }
    const running = await this.isRunning();
    // Nothing listens on HTTPS until a site with a certificate is live.
    const servingTls = running && (await this.servesTls());
    const notRunning = mode === "managed" ? "the managed nginx is not running" : "the system nginx is not running";
    return {
      mode,
      running,
      httpPort,
      httpsPort: servingTls ? this.settings.httpsPort : null,
      version,
      error: this.lastError ?? (running ? null : notRunning),
    };
  }

  /** `nginx -t` on the configuration nginx serves now, in nginx's own words (the nginx.test check). */
  async testConfiguration(): Promise<{ ok: boolean; stderr: string }> {
    if (this.settings.mode === "off") throw new Error(NGINX_OFF);
    return this.testConfig((await this.nginx()).binary);
  }

  /** The live site file of one app as nginx reads it, or null when this host serves no such site (nginx.upstream). */
  async liveSiteFile(appId: string): Promise<string | null> {
    if (this.settings.mode === "off") throw new Error(NGINX_OFF);
    return (await this.sites.live()).get(siteFileName({ appId })) ?? null;
  }

  /** Quits the managed nginx and waits for it to exit. For tests and teardown: normally it outlives the agent. */
  stopManaged(): Promise<void> {
    return this.enqueue(async () => {
      if (this.settings.mode !== "managed") return;
      const master = await this.managedMaster();
      if (master === null) return;
      const gone = async () => !(await isAlive(master));
      process.kill(master, "SIGQUIT");
      if (await waitUntil(gone, STOP_TIMEOUT_MS)) return;
      // Graceful quit waits for open connections; a fast stop does not.
      process.kill(master, "SIGTERM");
      if (!(await waitUntil(gone, 5_000))) throw new Error(`nginx (pid ${master}) did not stop`);
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    // The chain only orders the tasks; each caller receives its own outcome through `run`.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async recordingError<T>(task: () => Promise<T>): Promise<T> {
    try {
      const result = await task();
      this.lastError = null;
      return result;
    } catch (error) {
      this.lastError = messageOf(error);
      throw error;
    }
  }

  private async servesTls(): Promise<boolean> {
    for (const content of (await this.sites.live()).values()) {
      if (content.includes(tlsListenLine(this.settings.httpsPort))) return true;
    }
    return false;
  }

  private async nginx(): Promise<{ binary: string; version: string | null }> {
    this.found ??= await findNginx(this.settings.binary);
    return this.found;
  }

  private async startNow(): Promise<void> {
    if (this.settings.mode === "off") {
      this.logger.info(NGINX_OFF);
      return;
    }
    const { binary, version } = await this.nginx();
    await this.sites.ensureLiveDir();
    await ensureAcmeWebroot(this.state.acmeWebroot);
    if (this.settings.mode === "system") {
      this.logger.info({ version, sitesDir: this.settings.systemSitesDir }, "using the system nginx");
      return;
    }
    await this.prepareManaged();
    await this.testOrRecover(binary);
    const master = await this.managedMaster();
    if (master !== null) {
      await this.reloadManaged(master);
      this.logger.info({ pid: master, version, port: this.settings.httpPort }, "adopted the running managed nginx");
    } else {
      await this.launchManaged(binary);
      this.logger.info({ version, port: this.settings.httpPort, prefix: this.layout.prefix }, "managed nginx started");
    }
  }

  private async applyNow(sites: NginxSite[]): Promise<{ reloaded: boolean; configHash: string }> {
    if (this.settings.mode === "off") throw new Error(NGINX_OFF);
    const { binary } = await this.nginx();
    const files = renderSites(sites, {
      listenPort: this.settings.httpPort,
      httpsPort: this.settings.httpsPort,
      acmeWebroot: this.state.acmeWebroot,
      certsDir: this.state.certsDir,
      httpsDefaultServer: this.settings.mode === "managed",
    });
    const hash = configHash(files);
    const certificates = certificateFiles(sites);
    if (this.settings.mode === "managed") await this.prepareManaged();
    // Located once per apply: each look runs `nginx -V` and `nginx -T`.
    const system = this.settings.mode === "system" ? await locateSystemNginx(binary) : null;
    const running = await this.isRunning(system);
    await ensureAcmeWebroot(this.state.acmeWebroot);
    if (running && (await this.sites.liveHash()) === hash) return { reloaded: false, configHash: hash };

    // Content-addressed names: writing the new files leaves those the live (last good) set references untouched.
    await writeCertificateFiles(this.state.certsDir, certificates);
    await this.sites.swapIn(files);
    const test = await this.testConfig(binary);
    if (!test.ok) {
      await this.sites.restoreLastGood();
      this.logger.warn({ stderr: test.stderr }, "nginx refused the configuration; the last good one is back");
      throw new Error(`nginx refused the configuration: ${test.stderr.trim()}`);
    }
    try {
      if (system) await this.reloadSystem(system);
      else {
        const master = await this.managedMaster();
        if (master === null) await this.launchManaged(binary);
        else await this.reloadManaged(master);
      }
    } catch (error) {
      await this.sites.restoreLastGood();
      throw error;
    }
    await removeOtherCertificateFiles(this.state.certsDir, certificates);
    this.logger.info({ sites: sites.length, configHash: hash }, "nginx configuration applied");
    return { reloaded: true, configHash: hash };
  }

  private async prepareManaged(): Promise<void> {
    const workerUser = await prepareManagedPrefix(this.layout, this.logger);
    const config = renderMainConfig(this.layout, { httpPort: this.settings.httpPort, workerUser });
    let current: string | null = null;
    try {
      current = await readFile(this.layout.configFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (current !== config) await writeFile(this.layout.configFile, config, { mode: 0o644 });
  }

  private testConfig(binary: string) {
    const args =
      this.settings.mode === "managed" ? ["-t", "-p", this.layout.prefix, "-c", this.layout.configArg] : ["-t"];
    return execNginx(binary, args);
  }

  /** At start the live set may be one an interrupted apply never finished checking: fall back to last-good. */
  private async testOrRecover(binary: string): Promise<void> {
    const first = await this.testConfig(binary);
    if (first.ok) return;
    if (await this.sites.hasLastGood()) {
      this.logger.warn({ stderr: first.stderr }, "nginx refused the live sites; putting the last good set back");
      await this.sites.restoreLastGood();
      if ((await this.testConfig(binary)).ok) return;
    }
    throw new Error(`nginx refused the configuration: ${first.stderr.trim()}`);
  }

  private async managedMaster(): Promise<number | null> {
    const pid = await readPidFile(this.layout.pidFile);
    return pid !== null && (await isMasterOf(pid, this.layout.prefix)) ? pid : null;
  }

  /** `system`: where the system nginx keeps its pid file, when the caller located it already. */
  private async isRunning(system: SystemNginxPaths | null = null): Promise<boolean> {
    if (this.settings.mode === "managed") return (await this.managedMaster()) !== null;
    if (this.settings.mode === "system") {
      const { pidFile } = system ?? (await locateSystemNginx((await this.nginx()).binary));
      return (await systemMaster(pidFile)) !== null;
    }
    return false;
  }

  private async launchManaged(binary: string): Promise<void> {
    const run = await execNginx(binary, ["-p", this.layout.prefix, "-c", this.layout.configArg]);
    if (!run.ok) throw this.failure("nginx did not start", run.stderr);
    // With `daemon on` the command returns once the master has forked; it writes its pid file just after.
    if (!(await waitUntil(async () => (await this.managedMaster()) !== null, 5_000))) {
      throw new Error(`nginx started but no master process is running; see ${this.layout.errorLog}`);
    }
  }

  private reloadManaged(master: number): Promise<void> {
    return this.reloadAndConfirm(master, this.layout.errorLog, "nginx");
  }

  /**
   * Sends reload and waits until it took effect: new workers are running and every old one is
   * shutting down. `-s reload` only delivers the signal; a master that cannot load the new
   * configuration says so in its error log and keeps the old workers, which is a failure too.
   */
  private async reloadAndConfirm(master: number, errorLog: string | null, name: string): Promise<void> {
    const before = new Set(await childPids(master));
    const logOffset = errorLog === null ? 0 : await fileSize(errorLog);
    const seeLog = errorLog === null ? "see its error log" : `see ${errorLog}`;
    // What `nginx -s reload` does, without starting a second nginx process to read the pid file.
    try {
      process.kill(master, "SIGHUP");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPERM") {
        throw new Error(
          `${name} did not reload: its master (pid ${master}) belongs to another user, whom this agent may not signal; run the agent as root or as nginx's user`,
        );
      }
      throw this.failure(`${name} did not reload`, (error as Error).message);
    }
    const deadline = Date.now() + RELOAD_TIMEOUT_MS;
    for (;;) {
      const logged = errorLog === null ? "" : await readSince(errorLog, logOffset);
      const failure = logged.split("\n").filter((line) => /\[(emerg|alert)\]/.test(line));
      if (failure.length > 0) throw this.failure(`${name} did not reload`, failure.join("\n"));
      if (await this.reloadDone(master, before)) return;
      if (!(await isAlive(master))) throw new Error(`${name} exited while reloading; ${seeLog}`);
      if (Date.now() >= deadline) {
        throw new Error(`${name} did not take the new configuration within ${RELOAD_TIMEOUT_MS / 1000} s; ${seeLog}`);
      }
      // A reload takes tens of milliseconds; a deploy waits on it, so look often.
      await sleep(10);
    }
  }

  private async reloadDone(master: number, before: ReadonlySet<number>): Promise<boolean> {
    const children = await childPids(master);
    if (!children.some((pid) => !before.has(pid))) return false;
    for (const pid of children.filter((child) => before.has(child))) {
      const title = await processTitle(pid);
      if (title !== null && !title.includes("shutting down")) return false;
    }
    return true;
  }

  /** nginx's own words, with the sentence a person can act on first when the cause is a taken port. */
  private failure(what: string, stderr: string): Error {
    const said = stderr.trim();
    if (/Address already in use/.test(said)) {
      // nginx names the address it could not bind: "bind() to 0.0.0.0:8443 failed (98: Address already in use)".
      const port = Number(/bind\(\) to \S*:(\d+) failed/.exec(said)?.[1] ?? this.settings.httpPort);
      const setting = port === this.settings.httpsPort ? "NGINX_HTTPS_PORT" : "NGINX_HTTP_PORT";
      return new Error(
        `Port ${port} is already in use by another program, so nginx cannot listen on it. Free the port or set ${setting} to a free one. nginx said: ${said}`,
      );
    }
    return new Error(`${what}: ${said}`);
  }

  /** Like the managed reload: confirmed by new workers, or nginx's own error and the last good files back. */
  private async reloadSystem({ pidFile, errorLog }: SystemNginxPaths): Promise<void> {
    const master = await systemMaster(pidFile);
    if (master === null) {
      throw new Error(
        `the system nginx is not running (no live master in ${pidFile}), so it cannot take the new sites; start it (systemctl start nginx) and deploy again`,
      );
    }
    // An error log this agent may not read (root's, say) is not watched; new workers still confirm.
    const watched = errorLog !== null && (await canRead(errorLog)) ? errorLog : null;
    await this.reloadAndConfirm(master, watched, "the system nginx");
  }
}
