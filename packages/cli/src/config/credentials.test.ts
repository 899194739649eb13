import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NotLoggedInError } from "../errors";
import {
  credentialsPath,
  deleteStoredCredentials,
  readStoredCredentials,
  resolveCredentials,
  writeStoredCredentials,
} from "./credentials";
import { configDirectory, type Environment, readEnvironment } from "./environment";

let root: string;
let configDir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "wheelhouse-credentials-"));
  configDir = join(root, "config", "wheelhouse");
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function environment(overrides: Partial<Environment> = {}): Environment {
  return { url: undefined, token: undefined, configDir, noColor: false, ...overrides };
}

describe("the credentials file", () => {
  it("is written with mode 0600 in a 0700 directory, atomically, and read back", () => {
    const path = writeStoredCredentials(configDir, { url: "https://portal.example.com", token: "wh_first" });

    expect(path).toBe(join(configDir, "credentials.json"));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    expect(readStoredCredentials(configDir)).toEqual({ url: "https://portal.example.com", token: "wh_first" });

    writeStoredCredentials(configDir, { url: "https://portal.example.com", token: "wh_second" });
    expect(readStoredCredentials(configDir)?.token).toBe("wh_second");
    expect(readdirSync(configDir)).toEqual(["credentials.json"]);
  });

  it("tightens a directory that already existed with looser permissions", () => {
    mkdirSync(configDir, { recursive: true, mode: 0o755 });
    writeStoredCredentials(configDir, { url: "http://localhost:3000", token: "wh_key" });

    expect(statSync(configDir).mode & 0o777).toBe(0o700);
  });

  it("is gone after logout, and logging out twice says there was nothing", () => {
    writeStoredCredentials(configDir, { url: "http://localhost:3000", token: "wh_key" });

    expect(deleteStoredCredentials(configDir)).toBe(true);
    expect(readStoredCredentials(configDir)).toBeNull();
    expect(deleteStoredCredentials(configDir)).toBe(false);
  });

  it("counts as not logged in (exit 3) when damaged, without echoing its content", () => {
    mkdirSync(configDir, { recursive: true });
    writeFileSync(credentialsPath(configDir), '{"url":"not a url","token":"wh_secret"}');

    expect(() => readStoredCredentials(configDir)).toThrow(NotLoggedInError);
    expect(() => readStoredCredentials(configDir)).toThrow(/is damaged; log in again/);
    expect(() => readStoredCredentials(configDir)).not.toThrow(/wh_secret/);
  });
});

describe("which address and key a command uses", () => {
  const stored = { url: "https://stored.example.com", token: "wh_stored" };

  it("takes both from the file when no environment variable is set", () => {
    expect(resolveCredentials(environment(), stored)).toEqual({
      url: "https://stored.example.com",
      token: "wh_stored",
      tokenSource: "credentials file",
    });
  });

  it("lets WHEELHOUSE_URL and WHEELHOUSE_TOKEN override the stored values", () => {
    expect(resolveCredentials(environment({ token: "wh_env" }), stored)).toEqual({
      url: "https://stored.example.com",
      token: "wh_env",
      tokenSource: "WHEELHOUSE_TOKEN",
    });
    expect(resolveCredentials(environment({ url: "https://env.example.com", token: "wh_env" }), stored)).toMatchObject({
      url: "https://env.example.com",
      token: "wh_env",
    });
    expect(resolveCredentials(environment({ url: "https://stored.example.com" }), stored)).toMatchObject({
      token: "wh_stored",
    });
  });

  it("never sends the stored key to another address than the one it was made on", () => {
    expect(() => resolveCredentials(environment({ url: "https://env.example.com" }), stored)).toThrow(
      /belongs to https:\/\/stored.example.com/,
    );
  });

  it("works from the environment alone (CI), defaulting the address to localhost:3000", () => {
    expect(resolveCredentials(environment({ token: "wh_env" }), null)).toMatchObject({
      url: "http://localhost:3000",
      token: "wh_env",
    });
  });

  it("is not logged in without a key anywhere", () => {
    expect(() => resolveCredentials(environment({ url: "https://env.example.com" }), null)).toThrow(NotLoggedInError);
  });

  it("reads the variables once: empty counts as unset, and the URL is normalised or refused", () => {
    const env = readEnvironment({
      WHEELHOUSE_URL: "https://portal.example.com/ops/",
      WHEELHOUSE_TOKEN: "",
      XDG_CONFIG_HOME: join(root, "xdg"),
    });
    expect(env).toMatchObject({ url: "https://portal.example.com/ops", token: undefined });
    expect(env.configDir).toBe(join(root, "xdg", "wheelhouse"));
    expect(() => readEnvironment({ WHEELHOUSE_URL: "ftp://portal.example.com" })).toThrow(
      /WHEELHOUSE_URL "ftp:\/\/portal.example.com" must start with http:\/\/ or https:\/\//,
    );
  });

  it("keeps credentials under ~/.config/wheelhouse unless XDG_CONFIG_HOME is an absolute path", () => {
    expect(configDirectory({ HOME: "/home/ada" })).toBe("/home/ada/.config/wheelhouse");
    expect(configDirectory({ HOME: "/home/ada", XDG_CONFIG_HOME: "relative/dir" })).toBe(
      "/home/ada/.config/wheelhouse",
    );
    expect(configDirectory({ HOME: "/home/ada", XDG_CONFIG_HOME: "/srv/config" })).toBe("/srv/config/wheelhouse");
  });
});
