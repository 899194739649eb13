import { describe, expect, it } from "vitest";
import { mainDirectives } from "./system-nginx";

// The shape of Debian 12's /etc/nginx/nginx.conf, with the traps a naive search would fall into:
// an error_log inside http, a "pid" in a comment and in a quoted log format.
const debianLike = `user www-data;
worker_processes auto;
pid "/run/nginx.pid";
error_log /var/log/nginx/error.log;
include /etc/nginx/modules-enabled/*.conf;

events {
\tworker_connections 768;
\t# multi_accept on;
}

http {
\t# pid /not/this.pid;
\tlog_format main '$remote_addr pid; {$pid}';
\terror_log /var/log/nginx/http-error.log warn;
\tserver {
\t\tlisten 80;
\t}
\tinclude /etc/nginx/conf.d/*.conf;
}
`;

describe("mainDirectives", () => {
  it("reads only the top-level directives, unquoted, skipping blocks and comments", () => {
    expect(mainDirectives(debianLike)).toEqual([
      { name: "user", value: "www-data" },
      { name: "worker_processes", value: "auto" },
      { name: "pid", value: "/run/nginx.pid" },
      { name: "error_log", value: "/var/log/nginx/error.log" },
      { name: "include", value: "/etc/nginx/modules-enabled/*.conf" },
    ]);
  });

  it("finds nothing in an empty configuration", () => {
    expect(mainDirectives("# nothing here\n")).toEqual([]);
  });
});
