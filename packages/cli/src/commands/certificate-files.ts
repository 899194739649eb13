// The PEM files of `wheelhouse certs upload`: each read whole, before anything is sent, with a
// sentence naming the flag and the file when it is missing, a folder, unreadable or far too large.
// The exact bounds are the shared upload schema's (checked after reading, with its own sentences).
import { readFileSync, statSync } from "node:fs";
import { UsageError } from "../errors";

/** Far above any PEM the schema accepts (64,000 characters): a larger file is not read at all. */
export const MAX_PEM_FILE_BYTES = 256 * 1024;

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/** The text of the file given to `flag` (e.g. --cert), or a UsageError that says what is wrong. */
export function readPemFile(flag: string, path: string): string {
  let size: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw new UsageError(`${flag} ${path}: this is a folder; give the PEM file itself.`);
    size = stats.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag} ${path}: ${reason(error)}.`);
  }
  if (size > MAX_PEM_FILE_BYTES) {
    throw new UsageError(
      `${flag} ${path}: the file is ${size.toLocaleString("en-US")} bytes, far more than a PEM certificate or key; is it the right file?`,
    );
  }
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot be read (${reason(error)}).`);
  }
}
