// `npm run export -- [--out PASTA] [--with-code] [notebooks…]`: the written tutorial from the executed notebooks of the
// last run (out/notebooks), or from notebooks/ run in plan mode when they were never executed.
import { existsSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../project.js";
import { executeNotebook } from "../runner/execute-notebook.js";
import { courseNotebooks } from "../runner/main.js";
import { exportTutorial } from "./tutorial.js";

/** Entry point; returns the exit code. */
export const exportMain = async (argv: readonly string[]): Promise<number> => {
  const root = projectRoot();
  let out = path.join(root, "out");
  let withCode = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--out") out = path.resolve(process.cwd(), argv[++i] ?? "out");
    else if (a === "--with-code") withCode = true;
    else if (a === "-h" || a === "--help") {
      console.log("uso: npm run export -- [--out PASTA] [--with-code] [notebooks…]");
      return 0;
    } else if (a.startsWith("-")) {
      console.error(`✘ opção desconhecida: ${a}\nComo corrigir: use --out PASTA, --with-code ou caminhos de notebooks`);
      return 2;
    } else files.push(path.resolve(process.cwd(), a));
  }
  const executedDir = path.join(out, "notebooks");
  const notebooks = files.length ? files : existsSync(executedDir) && courseNotebooks(executedDir).length ? courseNotebooks(executedDir) : courseNotebooks(path.join(root, "notebooks"));
  const started = performance.now();
  const result = await exportTutorial({
    notebooks,
    outDir: out,
    withCode,
    planFor: async (file) =>
      (
        await executeNotebook({
          file,
          env: { RUNBOOK_MODE: "plan", RUNBOOK_STATE_DIR: path.join(out, ".state-plan"), PATH: `${path.join(root, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}` },
          cellTimeoutMs: 120_000,
          continueOnFailure: true,
        })
      ).notebook,
  });
  console.log(`✔ tutorial: ${path.relative(process.cwd(), result.markdown)} e ${path.relative(process.cwd(), result.html)} (${result.blocks} blocos, ${Math.round(performance.now() - started)} ms)`);
  return 0;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await exportMain(process.argv.slice(2));
}
