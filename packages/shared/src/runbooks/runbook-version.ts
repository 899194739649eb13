// A team runbook's version is the portal's to number (the team's latest + 1, decision 032): this
// writes that number into the saved text, so what a person reads and what a run pins agree.
import { isMap, isScalar, parseDocument } from "yaml";

/**
 * The source with its top-level `version:` value replaced by `version`, every other byte kept
 * (comments, order, quoting). Call it on a source `parseRunbook` accepted.
 */
export function withRunbookVersion(source: string, version: number): string {
  const contents = parseDocument(source).contents;
  if (!isMap(contents)) throw new Error("A runbook is a YAML mapping.");
  const node = contents.get("version", true);
  if (!isScalar(node) || !node.range) throw new Error("A runbook has a version: line.");
  const [start, valueEnd] = node.range;
  return `${source.slice(0, start)}${version}${source.slice(valueEnd)}`;
}
