// Test helpers: write a small tslab notebook (nbformat 4.5) that uses the library, into a temp folder next to a copy-free
// link to the project's lib/ so that cells can `import … from "../lib"` exactly like the real notebooks.
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../../lib/project.js";
import { newCellId, toSourceLines, writeNotebook, type Notebook } from "../../lib/runner/notebook-file.js";

/** Cells as [type, source] pairs. */
export type CellSpec = ["code" | "markdown", string];

/** Creates `<tmp>/notebooks/<name>` (with `<tmp>/lib` and `<tmp>/dist` → the project's) and returns its path. */
export const writeTestNotebook = (name: string, cells: CellSpec[], dir?: string): string => {
  const base = dir ?? mkdtempSync(path.join(os.tmpdir(), "nb-test-"));
  mkdirSync(path.join(base, "notebooks"), { recursive: true });
  for (const dirName of ["lib", "dist"]) {
    try {
      symlinkSync(path.join(projectRoot(), dirName), path.join(base, dirName));
    } catch {
      // already linked
    }
  }
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript" } },
    cells: cells.map(([type, source]) =>
      type === "code"
        ? { id: newCellId(), cell_type: "code", source: toSourceLines(source), metadata: {}, execution_count: null, outputs: [] }
        : { id: newCellId(), cell_type: "markdown", source: toSourceLines(source), metadata: {} },
    ),
  };
  const file = path.join(base, "notebooks", name);
  writeNotebook(file, nb);
  return file;
};

/** PATH with the project's node_modules/.bin first (the tslab kernel spec runs `tslab`). */
export const kernelPath = (): string => `${path.join(projectRoot(), "node_modules", ".bin")}:${process.env["PATH"] ?? ""}`;
