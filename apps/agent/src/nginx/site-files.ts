// The set of Wheelhouse site files in a live directory (the managed prefix's sites/, or the system
// nginx's conf.d), replaced as a whole: the new set is staged first, the set it replaces is kept as
// last-good so a refused configuration can be put back exactly. Files not named wheelhouse-*.conf
// are never touched, so this is safe in a directory shared with other configuration.
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StateLayout } from "./main-config";
import { configHash, SITE_FILE_PATTERN } from "./render-site";

/** Wheelhouse's file names in dir, sorted; none when dir does not exist. */
async function siteFileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((entry) => SITE_FILE_PATTERN.test(entry)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

async function readSet(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of await siteFileNames(dir)) files.set(name, await readFile(join(dir, name), "utf8"));
  return files;
}

/** A directory holding exactly these files (written fresh; used for staging and last-good). */
async function writeSnapshot(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const [name, content] of files) await writeFile(join(dir, name), content, { mode: 0o644 });
}

export class SiteFiles {
  constructor(
    private readonly liveDir: string,
    private readonly state: StateLayout,
  ) {}

  async ensureLiveDir(): Promise<void> {
    await mkdir(this.liveDir, { recursive: true, mode: 0o755 });
  }

  live(): Promise<Map<string, string>> {
    return readSet(this.liveDir);
  }

  async liveHash(): Promise<string> {
    return configHash(await this.live());
  }

  async hasLastGood(): Promise<boolean> {
    try {
      await readdir(this.state.lastGood);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  /** Writes the new set to staging, keeps the live set as last-good, then makes the new set live. */
  async swapIn(files: ReadonlyMap<string, string>): Promise<void> {
    await writeSnapshot(this.state.staging, files);
    await writeSnapshot(this.state.lastGood, await this.live());
    await this.install(files);
  }

  /** Makes the live set exactly last-good again. */
  async restoreLastGood(): Promise<void> {
    await this.install(await readSet(this.state.lastGood));
  }

  /** Each file is written beside its final name and renamed over it; files not in the set are removed. */
  private async install(files: ReadonlyMap<string, string>): Promise<void> {
    await this.ensureLiveDir();
    for (const [name, content] of files) {
      // A leading dot and a .tmp suffix: nginx's `include …/*.conf` never picks the half-written file up.
      const temporary = join(this.liveDir, `.${name}.tmp`);
      await writeFile(temporary, content, { mode: 0o644 });
      await rename(temporary, join(this.liveDir, name));
    }
    for (const name of await siteFileNames(this.liveDir)) {
      if (!files.has(name)) await unlink(join(this.liveDir, name));
    }
  }
}
