import { terminalLine } from "./terminal-text.js";

/**
 * Rows (headings first) as the lines of a table for a terminal: columns padded to line up. The server's cells
 * are cleaned (`terminalLine`) before they are measured, so the columns line up.
 */
export function alignedTable(rows: ReadonlyArray<readonly string[]>): string[] {
  const cells = rows.map((row) => row.map(terminalLine));
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd(),
  );
}

/**
 * Rows (headings first) as tab-separated lines, for a program reading a pipe (`cut -f`, `awk -F'\t'`), as gh
 * prints its tables when stdout is not a terminal: no padding, a tab in a cell becomes a space (`terminalLine`).
 */
export function tabSeparated(rows: ReadonlyArray<readonly string[]>): string[] {
  return rows.map((row) => row.map(terminalLine).join("\t"));
}
