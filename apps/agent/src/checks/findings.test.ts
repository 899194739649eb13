// The sentences checks answer with: what a person reads on the incident's timeline.
import { describe, expect, it } from "vitest";
import { capOutput, oneLine } from "./check-result";
import { type ContainerState, containerSentence, tellingLine } from "./container-state";
import { mysqlTls, parseSqliteHeader, redactUrl } from "./database-reachable";
import { diskFigures, diskSentence } from "./disk-space";
import { parseOpenFilesLimit } from "./fd-limit";
import { probeSentence, statusExpected } from "./http-probe";
import { parseRenderedUpstream } from "./nginx-checks";
import { modeFromLs, parseLsLine, permissionProblems } from "./path-permissions";
import { portHeldSentence } from "./port-owner";
import { certificateProblems, type PeerFacts } from "./tls-certificate";

const now = new Date("2026-06-10T12:00:00Z");
const goodCert: PeerFacts = {
  subject: "app.example.com",
  issuer: "Test CA",
  names: ["app.example.com"],
  notBefore: new Date("2026-01-01T00:00:00Z"),
  notAfter: new Date("2026-12-01T00:00:00Z"),
  chainError: null,
  nameError: null,
  chainLength: 1,
};

describe("certificate findings", () => {
  it("says nothing is wrong with a good certificate", () => {
    expect(certificateProblems(goodCert, "app.example.com", 14, now)).toEqual([]);
  });

  it("names an expired certificate, how long ago, and not the chain error expiry causes", () => {
    const expired = { ...goodCert, notAfter: new Date("2026-06-07T12:00:00Z"), chainError: "CERT_HAS_EXPIRED" };
    expect(certificateProblems(expired, "app.example.com", 14, now)).toEqual([
      "expired 3 days ago (not after 2026-06-07T12:00:00.000Z)",
    ]);
  });

  it("names the names a certificate covers when it is for another name", () => {
    const other = { ...goodCert, names: ["other.example.com"], nameError: "Hostname/IP does not match" };
    expect(certificateProblems(other, "app.example.com", 14, now)).toEqual([
      "issued for other.example.com, not app.example.com",
    ]);
  });

  it("warns of a certificate about to expire and of an incomplete chain", () => {
    const soon = {
      ...goodCert,
      notAfter: new Date("2026-06-15T12:00:00Z"),
      chainError: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    };
    expect(certificateProblems(soon, "app.example.com", 14, now)).toEqual([
      "valid for only 5 days (not after 2026-06-15T12:00:00.000Z): renew it",
      "chain incomplete: the server does not send the intermediate certificate",
    ]);
  });
});

describe("port findings", () => {
  const sockets = [{ address: "127.0.0.1", port: 8080, uid: 0, inode: 7 }];
  it("names the pid and command line of the holder", () => {
    expect(
      portHeldSentence({
        port: 8080,
        sockets,
        holders: [{ pid: 4242, inode: 7, commandLine: "python3 -m http.server 8080" }],
        container: null,
      }),
    ).toBe("port 8080 is held by pid 4242: python3 -m http.server 8080");
  });

  it("names the container behind docker-proxy", () => {
    expect(
      portHeldSentence({
        port: 8080,
        sockets,
        holders: [{ pid: 9, inode: 7, commandLine: "/usr/bin/docker-proxy -proto tcp -host-port 8080" }],
        container: "billing-1",
      }),
    ).toBe("port 8080 is held by pid 9: /usr/bin/docker-proxy -proto tcp -host-port 8080 for container billing-1");
  });

  it("says when the holder cannot be seen", () => {
    expect(portHeldSentence({ port: 8080, sockets, holders: [], container: null })).toBe(
      "port 8080 is held by a process this agent cannot see (socket inode 7): run the agent as root to name it",
    );
  });
});

describe("HTTP probe findings", () => {
  it("matches status classes and single codes", () => {
    expect(statusExpected(302, "2xx-3xx")).toBe(true);
    expect(statusExpected(404, "2xx-3xx")).toBe(false);
    expect(statusExpected(503, "5xx")).toBe(true);
    expect(statusExpected(404, 404)).toBe(true);
  });

  it("names the failing instance among good ones", () => {
    const good = {
      label: "instance aaaaaaaaaaaa",
      url: "http://127.0.0.1:1/ready",
      status: 200,
      latencyMs: 4,
      body: "",
    };
    const sentence = probeSentence(
      [
        { ...good, problem: null },
        {
          ...good,
          label: "instance bbbbbbbbbbbb",
          url: "http://127.0.0.1:2/ready",
          status: 503,
          problem: "answered 503, expected 2xx-3xx",
        },
      ],
      "/ready",
    );
    expect(sentence).toBe(
      "1 of 2 instances fail: instance bbbbbbbbbbbb (http://127.0.0.1:2/ready) answered 503, expected 2xx-3xx",
    );
  });
});

describe("container findings", () => {
  const state: ContainerState = {
    containerId: "c".repeat(64),
    name: "billing-1",
    status: "exited",
    exitCode: 3,
    oomKilled: false,
    restartCount: 2,
    startedAt: null,
    finishedAt: null,
    lastLines: ["starting", "fatal: DATABASE_URL is not set"],
  };
  it("gives the exit code, restarts and the last line", () => {
    expect(containerSentence(state)).toBe(
      "container billing-1 exited with code 3 after 2 restarts; last line: fatal: DATABASE_URL is not set",
    );
  });
  it("names an OOM kill", () => {
    expect(containerSentence({ ...state, oomKilled: true, exitCode: 137, lastLines: [] })).toBe(
      "container billing-1 was killed for using too much memory (OOMKilled, exit code 137) after 2 restarts",
    );
  });
});

describe("nginx upstream", () => {
  it("finds the placeholder of an app with no healthy instance", () => {
    const file = "upstream wheelhouse_a_1 {\n    server 127.0.0.1:1 down;\n}\nserver {\n}\n";
    expect(parseRenderedUpstream(file)).toEqual({ maintenance: false, placeholder: true, servers: [] });
  });
  it("lists the servers of a healthy app", () => {
    const file =
      "upstream wheelhouse_a_1 {\n    server 127.0.0.1:23001 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:23002 max_fails=1 fail_timeout=5s;\n    keepalive 16;\n}\n";
    expect(parseRenderedUpstream(file).servers).toEqual(["127.0.0.1:23001", "127.0.0.1:23002"]);
  });
});

describe("disk findings", () => {
  const stats = { type: 0, bsize: 4096, blocks: 1000, bfree: 60, bavail: 50, files: 1000, ffree: 900 };
  it("fails below the free-space threshold, saying how much is left", () => {
    const figures = diskFigures("/var", stats);
    expect(diskSentence(figures, { path: "/var", minFreePercent: 10, minFreeInodesPercent: 10 })).toEqual({
      ok: false,
      text: "/var: only 5.0% free (200 KiB of 3.9 MiB), below 10%: free space (old images, logs, backups)",
    });
  });
  it("fails when inodes run out with space left", () => {
    const figures = diskFigures("/", { ...stats, bavail: 900, ffree: 20 });
    expect(diskSentence(figures, { path: "/", minFreePercent: 10, minFreeInodesPercent: 10 }).text).toContain(
      "only 2.0% of inodes free (20 of 1000)",
    );
  });
});

describe("path permissions", () => {
  it("reads ls modes back to bits, special bits included", () => {
    expect(modeFromLs("drwxr-xr-x")).toBe(0o755);
    expect(modeFromLs("-rwsr-x--T")).toBe(0o5750);
    expect(modeFromLs("-rw-------")).toBe(0o600);
  });
  it("parses busybox's ls -ldn line and compares owner and mode", () => {
    const facts = {
      ...parseLsLine("drwxr-xr-x    2 0        0             4096 Dec  1 03:00 /data", "/data"),
      owner: "root",
    };
    expect(facts).toMatchObject({ uid: 0, gid: 0, mode: 0o755, type: "directory" });
    expect(permissionProblems(facts, { path: "/data", where: "host", owner: "1000", mode: "0775" })).toEqual([
      "expected owner 1000",
      "expected mode 0775",
    ]);
    expect(permissionProblems(facts, { path: "/data", where: "host", owner: "root", mode: "755" })).toEqual([]);
  });
});

describe("databases", () => {
  it("never shows a URL's password", () => {
    expect(redactUrl("postgres://app:s3cr%40t@db:5432/app?sslmode=require&password=x")).toBe(
      "postgres://app:***@db:5432/app?sslmode=require&password=***",
    );
  });
  it("asks for TLS to MySQL only when the URL does, verifying unless told not to", () => {
    const tls = (query: string) => mysqlTls(new URL(`mysql://app:pw@db:3306/app${query}`));
    expect(tls("")).toBeUndefined();
    expect(tls("?connection_limit=5&ssl=false")).toBeUndefined();
    expect(tls("?ssl=true")).toEqual({ rejectUnauthorized: true });
    expect(tls(`?ssl=${encodeURIComponent('{"rejectUnauthorized":false}')}`)).toEqual({ rejectUnauthorized: false });
    expect(tls("?sslmode=REQUIRED")).toEqual({ rejectUnauthorized: false });
    expect(tls("?sslmode=VERIFY_IDENTITY")).toEqual({ rejectUnauthorized: true });
    expect(tls("?sslmode=disabled")).toBeUndefined();
    expect(tls("?sslaccept=strict")).toEqual({ rejectUnauthorized: true });
    expect(tls("?sslaccept=accept_invalid_certs")).toEqual({ rejectUnauthorized: false });
  });
  it("checks an SQLite header and page size", () => {
    const header = Buffer.alloc(100);
    header.write("SQLite format 3\0", 0, "latin1");
    header.writeUInt16BE(4096, 16);
    expect(parseSqliteHeader(header, 4096 * 3)).toEqual({ pageSize: 4096, pages: 3 });
    expect(parseSqliteHeader(header, 5000)).toEqual({
      problem: "is 5000 bytes, not a whole number of 4096-byte pages: truncated?",
    });
    expect(parseSqliteHeader(Buffer.alloc(100), 4096)).toHaveProperty("problem");
  });
});

describe("limits and output", () => {
  it("reads the open-files line of /proc/PID/limits", () => {
    const limits =
      "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 524288               files     \n";
    expect(parseOpenFilesLimit(limits)).toEqual({ soft: 1024, hard: 524288 });
  });
  it("keeps findings to one line and output within 64 KiB", () => {
    expect(oneLine("first\n\n  second  \n")).toBe("first; second");
    const big = capOutput("é".repeat(40_000));
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(64 * 1024);
    expect(big).toMatch(/output cut/);
  });
});

describe("the telling log line", () => {
  it("prefers the last line with an error word over a later harmless one", () => {
    expect(tellingLine(["starting", "fatal: DATABASE_URL is not set", "starting version crash"])).toEqual({
      line: "fatal: DATABASE_URL is not set",
      last: false,
    });
    expect(tellingLine(["listening on 8080"])).toEqual({ line: "listening on 8080", last: true });
    expect(tellingLine([])).toBeNull();
  });
});
