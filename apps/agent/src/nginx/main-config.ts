// The managed nginx's own prefix: where every file lives, and conf/nginx.conf. Everything nginx
// reads or writes is inside the prefix, so it never touches (or collides with) a system nginx.
import { join, resolve } from "node:path";
import { unknownHostPage } from "./pages";
import { nginxHtmlString } from "./render-site";

export interface ManagedLayout {
  prefix: string;
  /** As passed to `-c`: relative to the prefix. */
  configArg: string;
  configFile: string;
  sitesDir: string;
  pidFile: string;
  logsDir: string;
  errorLog: string;
  tempDir: string;
}

/** Where Wheelhouse keeps its staging and last-good site sets, ACME answers and certificates (both modes). */
export interface StateLayout {
  staging: string;
  lastGood: string;
  /** HTTP-01 answers, one file per token, served by every site's HTTP block (nginx's workers read it). */
  acmeWebroot: string;
  /** Certificates and their keys (0700: the master reads them as root before dropping privileges). */
  certsDir: string;
}

/** Paths are written unquoted into nginx.conf: only characters nginx's parser reads as plain text. */
const PLAIN_PATH = /^[A-Za-z0-9._/+,:=@~-]+$/;

export function managedLayout(prefixDir: string): ManagedLayout {
  const prefix = resolve(prefixDir);
  return {
    prefix,
    configArg: "conf/nginx.conf",
    configFile: join(prefix, "conf", "nginx.conf"),
    sitesDir: join(prefix, "sites"),
    pidFile: join(prefix, "run", "nginx.pid"),
    logsDir: join(prefix, "logs"),
    errorLog: join(prefix, "logs", "error.log"),
    tempDir: join(prefix, "temp"),
  };
}

export function stateLayout(prefixDir: string): StateLayout {
  const state = resolve(prefixDir);
  return {
    staging: join(state, "staging"),
    lastGood: join(state, "last-good"),
    acmeWebroot: join(state, "acme-challenge"),
    certsDir: join(state, "certs"),
  };
}

/** Refuses a path that would not stay one plain token in nginx's configuration; `setting` names what to change. */
export function assertPlainPath(path: string, setting: string): void {
  if (!PLAIN_PATH.test(path)) {
    throw new Error(
      `The path ${JSON.stringify(path)} contains a character nginx's configuration cannot hold safely (a space, quote, $, ;, { or the like); set ${setting} to a path of letters, digits and . _ - /.`,
    );
  }
}

export interface MainConfigOptions {
  httpPort: number;
  /** `user nobody nogroup;` when the master runs as root; null otherwise (the directive would only warn). */
  workerUser: { user: string; group: string } | null;
}

export function renderMainConfig(layout: ManagedLayout, options: MainConfigOptions): string {
  assertPlainPath(layout.prefix, "WHEELHOUSE_AGENT_CONFIG_DIR");
  const user = options.workerUser ? `user ${options.workerUser.user} ${options.workerUser.group};\n` : "";
  const temp = (name: string) => join(layout.tempDir, name);
  return `# The managed nginx of wheelhouse-agent. Rewritten at every agent start; edits are lost.
${user}daemon on;
worker_processes auto;
pid ${layout.pidFile};
error_log ${layout.errorLog} warn;

events {
    worker_connections 1024;
}

http {
    server_tokens off;
    # Apps log their own requests; an access log here would grow without rotation.
    access_log off;
    client_body_temp_path ${temp("client_body")};
    proxy_temp_path ${temp("proxy")};
    fastcgi_temp_path ${temp("fastcgi")};
    uwsgi_temp_path ${temp("uwsgi")};
    scgi_temp_path ${temp("scgi")};
    client_max_body_size 64m;
    server_names_hash_bucket_size 128;

    # A Host header no app answers to.
    server {
        listen ${options.httpPort} default_server;
        server_name _;
        default_type text/html;
        add_header Cache-Control "no-store" always;
        return 404 ${nginxHtmlString(unknownHostPage())};
    }

    include ${layout.sitesDir}/*.conf;
}
`;
}
