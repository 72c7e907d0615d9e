// Docker CLI output helpers: Go's tabwriter columns (min width 10, padding 3), human durations, truncation.

/** Lays out rows like `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`: every column but the last padded. */
export const columns = (rows: string[][]): string[] => {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max(10, widths[i]! + 3), " ")))
      .join("")
      .trimEnd(),
  );
};

/** Docker's HumanDuration (`Less than a second`, `5 seconds`, `About a minute`, `3 minutes`, `About an hour`…). */
export const humanDuration = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  if (s < 1) return "Less than a second";
  if (s === 1) return "1 second";
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return "About a minute";
  if (m < 60) return `${m} minutes`;
  const h = Math.round(m / 60);
  if (h === 1) return "About an hour";
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  return `${Math.floor(h / 24 / 7)} weeks`;
};

/** Truncates like Docker's `ps` (keeps `n-1` characters and adds `…`). */
export const ellipsis = (text: string, n: number): string => ([...text].length <= n ? text : `${[...text].slice(0, n - 1).join("")}…`);
