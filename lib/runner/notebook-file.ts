// Notebook files (nbformat 4.5): read, write, find sections, and strip outputs.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { NotebookOutput } from "./kernel/outputs.js";

/** A notebook cell (nbformat 4.5: every cell has an id). */
export interface NotebookCell {
  id: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  execution_count?: number | null;
  outputs?: NotebookOutput[];
  attachments?: Record<string, unknown>;
}

/** A notebook document. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** The text of a cell's source. */
export const cellSource = (cell: Pick<NotebookCell, "source">): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

/** Splits text into nbformat's list-of-lines form (each line keeps its newline). */
export const toSourceLines = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l !== "");

/** Reads a notebook file; throws a Portuguese error when it is not a notebook. */
export const readNotebook = (file: string): Notebook => {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(file, "utf8")) as Notebook;
  } catch (error) {
    throw new Error(`não foi possível ler o notebook ${file}: ${(error as Error).message}`);
  }
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) throw new Error(`${file} não é um notebook nbformat 4`);
  // nbformat may store multi-line strings as lists of lines: read them back as plain strings.
  const joined = (v: unknown): unknown => (Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join("") : v);
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "stream") out.text = joined(out.text) as string;
      if (out.output_type === "display_data" || out.output_type === "execute_result") {
        out.data = Object.fromEntries(Object.entries(out.data).map(([k, v]) => [k, k.endsWith("json") ? v : joined(v)]));
      }
    }
  }
  return nb;
};

/** Writes a notebook with Jupyter's own layout (1-space indent, trailing newline). */
export const writeNotebook = (file: string, nb: Notebook): void => {
  writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
};

/** A new cell id (8 hex digits, like Jupyter's). */
export const newCellId = (): string => randomBytes(4).toString("hex");

/** For each cell, the title of the section it belongs to (the last Markdown heading at or before it). */
export const sectionsOf = (nb: Notebook): string[] => {
  let current = "";
  return nb.cells.map((cell) => {
    if (cell.cell_type === "markdown") {
      const headings = cellSource(cell).split("\n").filter((l) => /^#{1,6}\s/.test(l));
      const last = headings.at(-1);
      if (last) current = last.replace(/^#+\s*/, "").trim();
    }
    return current;
  });
};

/** A copy of the notebook without outputs or execution counts (how notebooks are committed). */
export const withoutOutputs = (nb: Notebook): Notebook => ({
  ...nb,
  cells: nb.cells.map((cell) => (cell.cell_type === "code" ? { ...cell, outputs: [], execution_count: null } : cell)),
});
