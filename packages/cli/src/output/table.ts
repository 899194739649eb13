// Plain-text tables: a header row and left-aligned columns two spaces apart, no borders, so the
// output also reads well when piped through grep or cut.

import { stripColour } from "./format";

export type Cell = string | number | null | undefined;

/** The columns a terminal shows: colour codes take none. */
function width(text: string): number {
  return [...stripColour(text)].length;
}

export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => headers.map((_, index) => cellText(row[index])));
  const widths = headers.map((header, index) => Math.max(width(header), ...text.map((row) => width(row[index] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => (index === cells.length - 1 ? cell : cell + " ".repeat((widths[index] ?? 0) - width(cell))))
      .join("  ")
      .trimEnd();
  return `${[line(headers), ...text.map(line)].join("\n")}\n`;
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined || cell === "") return "-";
  return String(cell);
}
