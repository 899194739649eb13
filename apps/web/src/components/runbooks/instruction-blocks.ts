// A step's instructions (Markdown as runbooks write it) split into the few blocks the pages draw:
// paragraphs, bullet lists and code fences; inline `code` and **bold** within text. Lines wrapped
// by the author (YAML block text) are joined again. No HTML is ever produced from the text, so a
// team's runbook cannot inject markup (decision 035).

export type InlinePart = { kind: "text" | "code" | "bold"; text: string };
export type InstructionBlock =
  | { kind: "paragraph"; parts: InlinePart[] }
  | { kind: "list"; items: InlinePart[][] }
  | { kind: "code"; text: string };

/** `code` and **bold**; anything unclosed stays text. */
export function inlineParts(text: string): InlinePart[] {
  const parts: InlinePart[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) parts.push({ kind: "text", text: text.slice(last, at) });
    if (match[1] !== undefined) parts.push({ kind: "code", text: match[1] });
    else parts.push({ kind: "bold", text: match[2] ?? "" });
    last = at + match[0].length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}

const BULLET = /^\s*[-*]\s+(.*)$/;

export function instructionBlocks(markdown: string): InstructionBlock[] {
  const blocks: InstructionBlock[] = [];
  const lines = markdown.replace(/\r\n/g, "\n").split("\n");
  let paragraph: string[] = [];
  let items: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: "paragraph", parts: inlineParts(paragraph.join(" ")) });
    if (items.length > 0) blocks.push({ kind: "list", items: items.map(inlineParts) });
    paragraph = [];
    items = [];
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (line.trim().startsWith("```")) {
      flush();
      const code: string[] = [];
      index++;
      while (index < lines.length && !(lines[index] ?? "").trim().startsWith("```")) code.push(lines[index++] ?? "");
      blocks.push({ kind: "code", text: code.join("\n") });
      continue;
    }
    if (line.trim() === "") {
      flush();
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      if (paragraph.length > 0) flush();
      items.push((bullet[1] ?? "").trim());
    } else if (items.length > 0) {
      // An indented (or lazy) continuation of the last item.
      items[items.length - 1] = `${items.at(-1)} ${line.trim()}`;
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}
