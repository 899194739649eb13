// The baseline script's own nginx: a prefix with one server whose upstream lives in a file the
// script rewrites, on a free loopback port. Mirrors what the agent's managed nginx does for an app.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BaselineNginx {
  prefix: string;
  port: number;
  stop(): void;
}

export function startBaselineNginx(port: number, domain: string): BaselineNginx {
  const prefix = mkdtempSync(join(tmpdir(), "wheelhouse-bench-nginx-"));
  for (const dir of ["conf", "logs", "temp"]) mkdirSync(join(prefix, dir), { recursive: true });
  writeFileSync(join(prefix, "conf", "upstream.conf"), "server 127.0.0.1:1 down;\n");
  writeFileSync(
    join(prefix, "conf", "nginx.conf"),
    [
      "worker_processes 1;",
      "pid logs/nginx.pid;",
      "error_log logs/error.log warn;",
      "events { worker_connections 1024; }",
      "http {",
      "  access_log off;",
      "  client_body_temp_path temp/body; proxy_temp_path temp/proxy; fastcgi_temp_path temp/fastcgi;",
      "  uwsgi_temp_path temp/uwsgi; scgi_temp_path temp/scgi;",
      "  upstream app { include upstream.conf; }",
      `  server { listen 127.0.0.1:${port}; server_name ${domain}; location / { proxy_pass http://app; } }`,
      "}",
      "",
    ].join("\n"),
  );
  if (process.getuid?.() === 0) execFileSync("chmod", ["-R", "o+rwX", prefix]);
  execFileSync("nginx", ["-p", prefix, "-c", "conf/nginx.conf"]);
  return {
    prefix,
    port,
    stop() {
      try {
        const pid = Number(readFileSync(join(prefix, "logs", "nginx.pid"), "utf8"));
        process.kill(pid, "SIGQUIT");
      } catch {
        // Not running.
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
