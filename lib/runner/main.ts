// The main run (`npm start`): brings up the offline lab when no target is configured, validates the parameters,
// executes every notebook in course order through the real tslab kernel, and writes out/ (executed notebooks,
// JSON/JUnit/HTML reports, the written tutorial).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { defaultParamsFile, loadParams } from "../params/load.js";
import { projectRoot } from "../project.js";
import { renderCheckText } from "../display/render.js";
import { formatDuration } from "../display/text.js";
import { parseMainArgs, USAGE, type MainOptions } from "./args.js";
import { executeNotebook, type ExecutedNotebook } from "./execute-notebook.js";
import { writeNotebook } from "./notebook-file.js";
import { ProgressDisplay } from "./progress.js";
import { buildReport, htmlSummary, junitXml } from "./reports.js";

/** Notebooks in course order (file names start with the course's chapter number). */
export const courseNotebooks = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && /^\d/.test(f))
    .sort((a, b) => parseFloat(a) - parseFloat(b) || a.localeCompare(b))
    .map((f) => path.join(dir, f));

/** True when the student configured a real target (a parameters file, or VM_ADDRESS in the environment or flags). */
const targetConfigured = (o: MainOptions, root: string): boolean =>
  o.params !== undefined || o.overrides.VM_ADDRESS !== undefined || process.env["VM_ADDRESS"] !== undefined || process.env["RUNBOOK_PARAMS"] !== undefined || existsSync(path.join(root, "runbook.env"));

/** Runs `npm run lab -- up` as a separate process (the library never imports the lab) and returns its parameters file. */
const bringUpLab = async (root: string, instance: number): Promise<string> => {
  console.log(`==> nenhum alvo configurado: subindo o laboratório offline (instância ${instance})`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "dist", "lab", "cli.js"), "up", "--instance", String(instance)], { stdio: "inherit", cwd: root });
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`o laboratório não subiu (código ${code}); veja a saída acima, ou rode: npm run lab -- status`);
  const file = path.join(root, ".lab", String(instance), "params.env");
  if (!existsSync(file)) throw new Error(`o laboratório subiu mas não escreveu ${file}`);
  return file;
};

/** The injected-parameters cell (papermill-style; only in the executed copy). */
const injectedCell = (overrides: Record<string, string>): string =>
  [
    "// Parâmetros injetados pela execução principal (npm start); esta célula não existe no notebook original.",
    'import { runbook } from "../lib";',
    `runbook({ overrides: ${JSON.stringify(overrides)} }).params;`,
    "",
  ].join("\n");

/** Entry point. Returns the process exit code. */
export const main = async (argv: readonly string[]): Promise<number> => {
  let options: MainOptions;
  try {
    options = parseMainArgs(argv);
  } catch (error) {
    console.error(`✘ ${(error as Error).message}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const root = projectRoot();
  const out = path.resolve(root, options.out);
  const started = new Date();

  let paramsFile: string | undefined;
  try {
    const useLab = options.params === undefined && !targetConfigured(options, root);
    paramsFile = options.params !== undefined ? path.resolve(process.cwd(), options.params) : useLab ? await bringUpLab(root, options.labInstance) : defaultParamsFile();
    // The lab the main run brought up is disposable: its cleanup is confirmed; a real target needs --confirm-cleanup.
    const confirmCleanup = options.confirmCleanup ?? (useLab ? "lab" : undefined);
    // Validate everything before anything runs.
    const loaded = loadParams({ ...(paramsFile ? { file: paramsFile } : {}), overrides: options.overrides });
    console.log(`==> alvo: ${loaded.values.TARGET} · Istio ${loaded.values.ISTIO_VERSION} · parâmetros: ${loaded.file ?? "ambiente"}`);
    const notebooks = options.notebooks.length ? options.notebooks.map((n) => path.resolve(process.cwd(), n)) : courseNotebooks(path.join(root, "notebooks"));
    if (!notebooks.length) throw new InputError("nenhum notebook encontrado em notebooks/", "rode a partir da pasta do projeto");

    mkdirSync(path.join(out, "notebooks"), { recursive: true });
    // A main run is a new run: the state of an earlier one in the same folder (its "before the chapter" snapshot,
    // perhaps of another Istio version) must not carry over. Within this run the state survives kernel restarts.
    rmSync(path.join(out, ".state"), { recursive: true, force: true });
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        console.error("\n⚠ Ctrl-C: interrompendo a célula atual e encerrando (Ctrl-C de novo força a saída)…");
        controller.abort();
      } else process.exit(130);
    };
    process.on("SIGINT", onSigint);

    const progress = new ProgressDisplay();
    const executed: ExecutedNotebook[] = [];
    const env = {
      ...(paramsFile ? { RUNBOOK_PARAMS: paramsFile } : {}),
      RUNBOOK_STATE_DIR: path.join(out, ".state"),
      RUNBOOK_MODE: options.plan ? "plan" : "run",
      ...(confirmCleanup ? { RUNBOOK_CONFIRM_CLEANUP: confirmCleanup } : {}),
      PATH: `${path.join(root, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}`,
    };
    try {
      for (const file of notebooks) {
        const result = await executeNotebook({
          file,
          env,
          injectedParameters: injectedCell(options.overrides as Record<string, string>),
          cellTimeoutMs: options.cellTimeoutMs,
          onProgress: (p) => progress.on(p),
          signal: controller.signal,
          continueOnFailure: options.continueOnFailure,
          rerunAfterRestart: options.rerun,
        });
        executed.push(result);
        writeNotebook(path.join(out, "notebooks", path.basename(file)), result.notebook);
        if ((!result.ok && !options.continueOnFailure) || controller.signal.aborted) break;
      }
    } finally {
      progress.close();
      process.off("SIGINT", onSigint);
    }

    const report = buildReport({ startedAt: started, target: loaded.values.TARGET, istioVersion: loaded.values.ISTIO_VERSION, mode: options.plan ? "plan" : "run", executed });
    writeFileSync(path.join(out, "report.json"), JSON.stringify(report, null, 2) + "\n");
    writeFileSync(path.join(out, "junit.xml"), junitXml(report));
    writeFileSync(path.join(out, "summary.html"), htmlSummary(report));
    if (options.export) {
      const { exportTutorial } = await import("../export/tutorial.js");
      await exportTutorial({ notebooks: executed.map((e) => path.join(out, "notebooks", path.basename(e.file))), outDir: out });
    }

    const checks = report.notebooks.flatMap((n) => n.cells.flatMap((c) => c.checks));
    console.log(
      `\n${report.ok ? "✔" : "✘"} ${checks.filter((c) => c.status === "pass").length} verificações ✔, ${checks.filter((c) => c.status === "fail").length} ✘ em ${formatDuration(report.durationMs)} — relatórios em ${path.relative(process.cwd(), out) || "."}/ (report.json, junit.xml, summary.html${options.export ? ", tutorial.md, tutorial.html" : ""})`,
    );
    if (report.firstFailure) {
      const f = report.firstFailure;
      console.log(`\nParou em ${f.notebook} › ${f.section} (célula ${f.cell})`);
      const failed = checks.find((c) => c.status === "fail" && c.title === f.check);
      if (failed) console.log(renderCheckText(failed));
      else if (f.error) console.log(f.error);
    }
    if (controller.signal.aborted) return 130;
    return report.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`✘ ${error.message}`);
      return 2;
    }
    console.error(`✘ ${(error as Error).message}`);
    return 1;
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
