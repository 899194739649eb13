import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSecretBox } from "./secret-box";
import { loadSecretKey, SECRET_KEY_FILE } from "./secret-key";

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "wh-key-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("secret key", () => {
  it("is generated once into DATA_DIR with mode 0600 and then reused", () => {
    const dir = temp();
    const first = loadSecretKey(dir, undefined);
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(dir, undefined).equals(first)).toBe(true);
    expect(readFileSync(join(dir, SECRET_KEY_FILE), "utf8").trim()).toBe(first.toString("hex"));
  });

  it("prefers SECRET_KEY and writes nothing", () => {
    const dir = temp();
    const key = loadSecretKey(dir, "ab".repeat(32));
    expect(key.toString("hex")).toBe("ab".repeat(32));
    expect(() => statSync(join(dir, SECRET_KEY_FILE))).toThrow();
  });

  it("refuses a damaged key file rather than replacing it", () => {
    const dir = temp();
    writeFileSync(join(dir, SECRET_KEY_FILE), "not a key");
    expect(() => loadSecretKey(dir, undefined)).toThrow(/Restore it from a backup, or set SECRET_KEY/);
    expect(readFileSync(join(dir, SECRET_KEY_FILE), "utf8")).toBe("not a key");
  });
});

describe("secret box", () => {
  const box = createSecretBox(Buffer.alloc(32, 7));

  it("round-trips and never repeats a ciphertext", () => {
    const a = box.seal("p@ssw0rd ✓");
    const b = box.seal("p@ssw0rd ✓");
    expect(a).not.toBe(b);
    expect(a).not.toContain("p@ssw0rd");
    expect(box.open(a)).toBe("p@ssw0rd ✓");
  });

  it("detects tampering and a wrong key", () => {
    const sealed = box.seal("secret");
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => box.open(`v1:${raw.toString("base64")}`)).toThrow();
    expect(() => createSecretBox(Buffer.alloc(32, 8)).open(sealed)).toThrow();
  });
});
