// Go's text/tabwriter for istioctl's tables (minwidth 0, padding N, padded with spaces, the last cell of a row not
// padded): every column is as wide as its widest cell plus the padding.

/** The table's text, one line per row. */
export const tabwriter = (rows: readonly string[][], padding: number): string => {
  const widths: number[] = [];
  for (const row of rows) row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) => `${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]! + padding + cell.length - [...cell].length) : cell)).join("")}\n`).join("");
};
