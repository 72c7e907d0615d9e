import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import { executeNotebook, type RunnerProgress } from "../../../lib/runner/execute-notebook.js";
import { eventsOfOutputs } from "../../../lib/runner/events-in-outputs.js";
import { buildReport, htmlSummary, junitXml } from "../../../lib/runner/reports.js";
import { kernelPath, writeTestNotebook } from "../../helpers/notebook.js";
import { tempProject } from "../../helpers/params.js";

// These tests run real notebooks through the real Jupyter kernel (tslab) with our own kernel client.

const passCheck = (title: string) => `
import { runbook } from "../lib";
const rb = runbook("Verificação");
rb.emit({ kind: "check", id: "k-${title.length}", at: new Date().toISOString(), title: ${JSON.stringify(title)}, status: "pass", expected: "x", received: "x", attempts: 1, durationMs: 1, diagnoses: [] });
`;

const env = (file: string, root: string) => ({ RUNBOOK_HOME: root, RUNBOOK_PARAMS: file, RUNBOOK_STATE_DIR: path.join(root, ".state"), PATH: kernelPath() });

test("executes every code cell in a real tslab kernel, records the library's events and reports progress", async (t) => {
  const { root, file } = tempProject();
  const nb = writeTestNotebook("01-demo.ipynb", [
    ["markdown", "# Demo\n\n## Primeira seção"],
    ["code", 'import { runbook } from "../lib";\nconst rb = runbook("Primeira seção");\nawait rb.run({ argv: ["echo", "olá do kernel"] });'],
    ["markdown", "## Segunda seção"],
    ["code", passCheck("a demo passa")],
  ]);
  const progress: RunnerProgress[] = [];
  const result = await executeNotebook({ file: nb, env: env(file, root), cellTimeoutMs: 60_000, onProgress: (p) => progress.push(p) });
  t.true(result.ok);
  t.deepEqual(result.cells.map((c) => c.status), ["passed", "passed"]);
  t.deepEqual(result.cells.map((c) => c.section), ["Primeira seção", "Segunda seção"]);
  const first = result.cells[0]!;
  t.is(first.commands.length, 1);
  t.is(first.commands[0]!.display, "echo 'olá do kernel'");
  t.true(first.commands[0]!.end!.ok);
  const events = eventsOfOutputs(result.notebook.cells[1]!.outputs ?? []);
  t.true(events.some((e) => e.kind === "output" && e.text === "olá do kernel\n"));
  t.is(result.cells[1]!.checks[0]!.title, "a demo passa");
  t.true(progress.some((p) => p.kind === "event" && p.event.kind === "check"));
  t.deepEqual(progress.map((p) => p.kind).filter((k) => k !== "event"), ["notebook-start", "cell-start", "cell-end", "cell-start", "cell-end", "notebook-end"]);
  // The source notebook is untouched.
  t.false(readFileSync(nb, "utf8").includes("olá do kernel\\n"));
});

test("stops at the first failed cell and marks the rest skipped; the report says where and why", async (t) => {
  const { root, file } = tempProject();
  const nb = writeTestNotebook("02-falha.ipynb", [
    ["markdown", "## Etapa que falha"],
    ["code", 'import { runbook } from "../lib";\nconst rb = runbook();\nawait rb.run({ argv: ["sh", "-c", "echo quebrou >&2; exit 4"] });'],
    ["code", passCheck("nunca roda")],
  ]);
  const started = new Date();
  const result = await executeNotebook({ file: nb, env: env(file, root), cellTimeoutMs: 60_000 });
  t.false(result.ok);
  // The failed command is reported as a failed check (exit code and output), so the cell is "failed", not "error".
  t.deepEqual(result.cells.map((c) => c.status), ["failed", "skipped"]);
  t.regex(result.cells[0]!.error ?? "", /código de saída 4/);
  t.like(result.cells[0]!.checks[0], { status: "fail", expected: "código de saída 0", received: "código 4\nquebrou" });
  const report = buildReport({ startedAt: started, target: "lab", istioVersion: "1.8.1", mode: "run", executed: [result] });
  t.false(report.ok);
  t.like(report.firstFailure, { notebook: "02-falha.ipynb", section: "Etapa que falha" });
  const xml = junitXml(report);
  t.regex(xml, /<testsuite name="02-falha\.ipynb" tests="1" failures="1"/);
  t.regex(htmlSummary(report), /Parou em: 02-falha\.ipynb › Etapa que falha/);
});

test("a cell that runs past its timeout is interrupted and reported as timeout", async (t) => {
  const { root, file } = tempProject();
  const nb = writeTestNotebook("03-lento.ipynb", [["code", "await new Promise((r) => setTimeout(r, 60_000));"]]);
  const result = await executeNotebook({ file: nb, env: env(file, root), cellTimeoutMs: 1500 });
  t.is(result.cells[0]!.status, "timeout");
  t.false(result.ok);
});

test("injects parameters papermill-style in the executed copy only", async (t) => {
  const { root, file } = tempProject();
  const nb = writeTestNotebook("04-params.ipynb", [["code", 'import { runbook } from "../lib";\nconsole.log("APP=" + runbook().params.VM_APP);']]);
  const result = await executeNotebook({
    file: nb,
    env: env(file, root),
    cellTimeoutMs: 60_000,
    injectedParameters: 'import { runbook } from "../lib";\nrunbook({ overrides: { VM_APP: "injetado" } });',
  });
  t.true(result.ok);
  t.deepEqual(result.notebook.cells[0]!.metadata["tags"], ["injected-parameters"]);
  const printed = JSON.stringify(result.notebook.cells[1]!.outputs);
  t.regex(printed, /APP=injetado/);
  t.false(readFileSync(nb, "utf8").includes("injetado"));
});

test("with rerunAfterRestart, a cell that is not safe to run twice is caught; a safe one passes twice", async (t) => {
  const { root, file } = tempProject();
  const marker = path.join(root, "marker");
  const nb = writeTestNotebook("05-rerun.ipynb", [
    ["code", 'import { runbook } from "../lib";\nconst rb = runbook();\nawait rb.run({ argv: ["mkdir", "-p", ' + JSON.stringify(marker + "-dir") + '] });'],
    ["code", 'import { runbook } from "../lib";\nconst rb = runbook();\nawait rb.run({ argv: ["mkdir", ' + JSON.stringify(marker) + '] });'],
  ]);
  const result = await executeNotebook({ file: nb, env: env(file, root), cellTimeoutMs: 60_000, rerunAfterRestart: true });
  t.deepEqual(result.cells.map((c) => c.status), ["passed", "failed"]);
  t.like(result.cells[0]!.rerun, { status: "passed" });
  t.like(result.cells[1]!.rerun, { status: "failed" });
  t.regex(result.cells[1]!.error ?? "", /falhou ao rodar de novo, depois de reiniciar o kernel/);
});

test("runs only the selected cells, calling beforeCell before each; the others stay unexecuted", async (t) => {
  const { root, file } = tempProject();
  const cell = (n: number) => `import { runbook } from "../lib";\nconst rb = runbook("S");\nawait rb.run({ argv: ["echo", "célula ${n}"] });`;
  const nb = writeTestNotebook("01-range.ipynb", [
    ["markdown", "# Faixa\n\n## S"],
    ["code", cell(1)],
    ["code", cell(2)],
    ["code", cell(3)],
  ]);
  const seen: number[] = [];
  const result = await executeNotebook({ file: nb, env: env(file, root), cellTimeoutMs: 60_000, select: (c) => c.index === 2, beforeCell: async (c) => void seen.push(c.index) });
  t.true(result.ok);
  t.deepEqual(result.cells.map((c) => c.status), ["skipped", "passed", "skipped"]);
  t.deepEqual(seen, [2]);
  t.is(result.cells[1]!.commands[0]!.display, "echo 'célula 2'");
  t.deepEqual(result.notebook.cells[1]!.outputs ?? [], []);
});
