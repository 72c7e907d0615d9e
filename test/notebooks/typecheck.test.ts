// Every code cell of every notebook type-checks with tslab's own TypeScript (5.0.4, Node10 resolution, the options
// tslab compiles cells with) against the compiled library, so an API change that would break a cell fails here.
import test from "ava";
import { createRequire } from "node:module";
import { mkdtempSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../../lib/project.js";
import { cellSource, readNotebook } from "../../lib/runner/notebook-file.js";

const require = createRequire(import.meta.url);
type TS = typeof import("typescript");
const ts = require("@tslab/typescript-for-tslab") as TS;

const notebooksDir = path.join(projectRoot(), "notebooks");
const notebooks = readdirSync(notebooksDir).filter((f) => /^\d.*\.ipynb$/.test(f));

test("tslab's compiler is the one notebooks run with", (t) => {
  t.regex(ts.version, /^5\.0\./);
});

for (const name of notebooks) {
  test(`${name}: every code cell type-checks as tslab compiles it`, (t) => {
    const base = mkdtempSync(path.join(os.tmpdir(), "nb-typecheck-"));
    const dir = path.join(base, "notebooks");
    mkdirSync(dir);
    for (const link of ["lib", "dist", "node_modules"]) symlinkSync(path.join(projectRoot(), link), path.join(base, link));
    const nb = readNotebook(path.join(notebooksDir, name));
    const files: string[] = [];
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== "code" || !cellSource(cell).trim()) return;
      const file = path.join(dir, `cell${String(i).padStart(3, "0")}.ts`);
      // tslab treats every cell as a module; a cell without import/export gets one so that top-level await is allowed.
      writeFileSync(file, `${cellSource(cell)}\nexport {};\n`);
      files.push(file);
    });
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      esModuleInterop: true,
      strict: false,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
      typeRoots: [path.join(projectRoot(), "node_modules", "@types")],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.includes(path.resolve(d.file.fileName)))
      .map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        return `${d.file ? path.basename(d.file.fileName) : ""}${where ? `:${where.line + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    t.deepEqual(problems, [], problems.join("\n"));
  });
}
