// Run reports: JSON (everything), JUnit XML (one test case per check, plus cell errors) and a one-page HTML summary.
import path from "node:path";
import { escapeHtml, formatDuration } from "../display/text.js";
import type { CellResult, ExecutedNotebook } from "./execute-notebook.js";

/** The JSON report of a run. */
export interface RunReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  target: string;
  istioVersion: string;
  mode: "run" | "plan";
  ok: boolean;
  durationMs: number;
  /** Time inside commands (what the runner waited on), and the runner's own overhead. */
  commandMs: number;
  notebooks: Array<{
    file: string;
    ok: boolean;
    durationMs: number;
    cells: Array<Omit<CellResult, "commands"> & { commands: Array<{ display: string; exitCode: number | null; durationMs: number | null; ok: boolean | null }> }>;
  }>;
  /** The first failure: where the run stopped, with its diagnosis. */
  firstFailure?: { notebook: string; section: string; cell: number; check?: string; error?: string; diagnoses: Array<{ cause: string; fix: string }> };
}

/** Builds the JSON report. */
export const buildReport = (args: {
  startedAt: Date;
  target: string;
  istioVersion: string;
  mode: "run" | "plan";
  executed: readonly ExecutedNotebook[];
}): RunReport => {
  const finished = new Date();
  const cells = args.executed.flatMap((n) => n.cells);
  const failed = cells.find((c) => c.status !== "passed" && c.status !== "skipped");
  const failedCheck = failed?.checks.find((c) => c.status === "fail");
  return {
    version: 1,
    startedAt: args.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    target: args.target,
    istioVersion: args.istioVersion,
    mode: args.mode,
    ok: args.executed.every((n) => n.ok) && !failed,
    durationMs: finished.getTime() - args.startedAt.getTime(),
    commandMs: cells.reduce((s, c) => s + c.commandMs, 0),
    notebooks: args.executed.map((n) => ({
      file: path.basename(n.file),
      ok: n.ok,
      durationMs: n.durationMs,
      cells: n.cells.map((c) => ({
        ...c,
        commands: c.commands.map((cmd) => ({ display: cmd.display, exitCode: cmd.end?.exitCode ?? null, durationMs: cmd.end?.durationMs ?? null, ok: cmd.end?.ok ?? null })),
      })),
    })),
    ...(failed
      ? {
          firstFailure: {
            notebook: failed.notebook,
            section: failed.section,
            cell: failed.index,
            ...(failedCheck ? { check: failedCheck.title } : {}),
            ...(failed.error ? { error: failed.error } : {}),
            diagnoses: (failedCheck?.diagnoses ?? []).map((d) => ({ cause: d.cause, fix: d.fix })),
          },
        }
      : {}),
  };
};

const xml = (s: string): string => escapeHtml(s).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

/** JUnit XML: a test suite per notebook, a test case per check (and per cell that failed without a check). */
export const junitXml = (report: RunReport): string => {
  const suites = report.notebooks.map((nb) => {
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const cell of nb.cells) {
      const classname = xml(`${nb.file.replace(/\.ipynb$/, "")}.${cell.section || "início"}`);
      for (const check of cell.checks) {
        const time = (check.durationMs / 1000).toFixed(3);
        const props = `<properties><property name="attempts" value="${check.attempts}"/><property name="cell" value="${cell.index}"/></properties>`;
        if (check.status === "fail") {
          failures++;
          const diag = check.diagnoses.map((d) => `causa provável: ${d.cause}\ncomo corrigir: ${d.fix}`).join("\n");
          cases.push(`<testcase classname="${classname}" name="${xml(check.title)}" time="${time}">${props}<failure message="${xml(`esperado: ${check.expected}; recebido: ${check.received}`)}">${xml(`esperado: ${check.expected}\nrecebido: ${check.received}\n${diag}`)}</failure></testcase>`);
        } else if (check.status === "skip") {
          skipped++;
          cases.push(`<testcase classname="${classname}" name="${xml(check.title)}" time="${time}">${props}<skipped/></testcase>`);
        } else {
          cases.push(`<testcase classname="${classname}" name="${xml(check.title)}" time="${time}">${props}</testcase>`);
        }
      }
      if (cell.status !== "passed" && cell.status !== "skipped" && !cell.checks.some((c) => c.status === "fail")) {
        failures++;
        cases.push(`<testcase classname="${classname}" name="${xml(`célula ${cell.index}: ${cell.title}`)}" time="${(cell.durationMs / 1000).toFixed(3)}"><error message="${xml(cell.error ?? cell.status)}">${xml(cell.error ?? cell.status)}</error></testcase>`);
      }
    }
    return `  <testsuite name="${xml(nb.file)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${(nb.durationMs / 1000).toFixed(3)}">\n    ${cases.join("\n    ")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="istio-em-vms" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join("\n")}\n</testsuites>\n`;
};

/** A one-page HTML summary of the run. */
export const htmlSummary = (report: RunReport): string => {
  const icon = (s: string) => (s === "passed" ? "✔" : s === "skipped" ? "–" : "✘");
  const rows = report.notebooks
    .flatMap((nb) =>
      nb.cells.map(
        (c) =>
          `<tr class="${c.status}"><td>${escapeHtml(nb.file)}</td><td>${escapeHtml(c.section)}</td><td>${icon(c.status)} ${escapeHtml(c.status)}</td>` +
          `<td>${c.checks.map((k) => `${k.status === "pass" ? "✔" : k.status === "fail" ? "✘" : "–"} ${escapeHtml(k.title)}`).join("<br>")}</td>` +
          `<td>${escapeHtml(formatDuration(c.durationMs))}</td></tr>`,
      ),
    )
    .join("\n");
  const failure = report.firstFailure
    ? `<section class="failure"><h2>Parou em: ${escapeHtml(report.firstFailure.notebook)} › ${escapeHtml(report.firstFailure.section)}</h2>` +
      (report.firstFailure.check ? `<p>Verificação: ${escapeHtml(report.firstFailure.check)}</p>` : "") +
      (report.firstFailure.error ? `<pre>${escapeHtml(report.firstFailure.error)}</pre>` : "") +
      report.firstFailure.diagnoses.map((d) => `<p><b>Causa provável:</b> ${escapeHtml(d.cause)}<br><b>Como corrigir:</b> ${escapeHtml(d.fix)}</p>`).join("") +
      `</section>`
    : "";
  const checks = report.notebooks.flatMap((n) => n.cells.flatMap((c) => c.checks));
  return `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Istio em VMs — execução</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
h1{font-size:1.4em} .ok{color:#1a7f37} .bad{color:#cf222e}
table{border-collapse:collapse;width:100%;font-size:.9em} td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
tr.failed td,tr.error td,tr.timeout td{background:#ffebe9} tr.skipped td{color:#888}
.failure{border:1px solid #cf222e;border-radius:6px;padding:.5em 1em;margin:1em 0;background:#fff8f8}
</style></head><body>
<h1>Istio em VMs — <span class="${report.ok ? "ok" : "bad"}">${report.ok ? "✔ tudo verde" : "✘ falhou"}</span></h1>
<p>Alvo: <b>${escapeHtml(report.target)}</b> · Istio ${escapeHtml(report.istioVersion)} · modo ${escapeHtml(report.mode)} ·
${checks.filter((c) => c.status === "pass").length} verificações ✔, ${checks.filter((c) => c.status === "fail").length} ✘ ·
duração ${escapeHtml(formatDuration(report.durationMs))} (comandos: ${escapeHtml(formatDuration(report.commandMs))})</p>
${failure}
<table><tr><th>notebook</th><th>seção</th><th>célula</th><th>verificações</th><th>tempo</th></tr>
${rows}
</table></body></html>
`;
};
