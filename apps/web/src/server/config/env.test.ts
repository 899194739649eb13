import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./env";

describe("parseConfig", () => {
  it("has working defaults: port 3000, SQLite under ./data", () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(resolve("./data"));
    expect(config.database).toEqual({
      kind: "sqlite",
      file: resolve("./data/wheelhouse.db"),
      url: `file:${resolve("./data/wheelhouse.db")}`,
    });
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.bootstrapAdmin).toBeUndefined();
    expect(config.logLevel).toBe("info");
  });

  it("takes PostgreSQL from a postgres:// or postgresql:// URL", () => {
    expect(parseConfig({ DATABASE_URL: "postgres://u:p@db:5432/wh" }).database).toEqual({
      kind: "postgresql",
      url: "postgres://u:p@db:5432/wh",
    });
    expect(parseConfig({ DATABASE_URL: "postgresql://u@db/wh" }).database.kind).toBe("postgresql");
  });

  it.each([
    ["PORT", "0", /PORT="0" is not valid: set PORT to a whole number between 1 and 65535/],
    ["PORT", "http", /PORT="http" is not valid/],
    ["DATABASE_URL", "mysql://x/y", /DATABASE_URL="mysql:\/\/x\/y" is not valid/],
    ["DATABASE_URL", "postgres://", /DATABASE_URL="postgres:\/\/" is not valid/],
    ["LOG_LEVEL", "verbose", /LOG_LEVEL="verbose" is not valid: set LOG_LEVEL to one of fatal, error/],
    ["PUBLIC_URL", "ftp://x", /PUBLIC_URL="ftp:\/\/x" is not valid/],
    ["SECRET_KEY", "abc", /SECRET_KEY="abc" is not valid: set SECRET_KEY to 64 hex characters/],
  ])("refuses %s=%s with a sentence naming it and the fix", (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });

  it("needs the bootstrap admin's email and password together, and lower-cases the email", () => {
    expect(() => parseConfig({ WHEELHOUSE_ADMIN_EMAIL: "a@example.com" })).toThrow(/go together/);
    expect(() => parseConfig({ WHEELHOUSE_ADMIN_EMAIL: "a@example.com", WHEELHOUSE_ADMIN_PASSWORD: "short" })).toThrow(
      /at least 12 characters/,
    );
    expect(
      parseConfig({ WHEELHOUSE_ADMIN_EMAIL: "A@Example.com", WHEELHOUSE_ADMIN_PASSWORD: "long enough pw" })
        .bootstrapAdmin,
    ).toEqual({
      email: "a@example.com",
      password: "long enough pw",
    });
  });

  it("treats an empty variable as unset", () => {
    expect(parseConfig({ PORT: "", DATABASE_URL: "" }).port).toBe(3000);
  });
});
