// How a release's digest is shown to people, in the CLI and on the portal's pages: the "sha256:"
// part only (a repo digest's registry and path would otherwise be what a left-cut shows, e.g.
// "127.0.0.1:50"), shortened to 12 hex digits as `docker images` shortens ids.
import { digestPart } from "./image-reference";

const SHORT_HEX = 12;

/**
 * "127.0.0.1:5055/shop@sha256:1bf18378…(64 hex)" → "sha256:1bf183780f4a…"; an image id likewise;
 * a value with no "sha256:" part is cut to the same width so a table never breaks on it.
 */
export function shortDigest(value: string): string {
  const digest = digestPart(value);
  const [algorithm, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  const body = hex ?? "";
  const shortened = body.length > SHORT_HEX ? `${body.slice(0, SHORT_HEX)}…` : body;
  return algorithm ? `${algorithm}:${shortened}` : shortened;
}
