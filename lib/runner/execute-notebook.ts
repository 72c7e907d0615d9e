// Executes a notebook through a real Jupyter kernel, cell by cell, in order: per-cell timeout, live progress
// (commands and checks as they happen), stop at the first failed cell, injected parameters, clean interruption.
import path from "node:path";
import type { CheckEvent, CommandEvent, EndEvent, RunbookEvent } from "../run/events.js";
import { KernelClient, type ExecuteOutcome } from "./kernel/client.js";
import { findKernelSpec } from "./kernel/kernelspec.js";
import { projectRoot } from "../project.js";
import { EventDeduper, checksOf, eventsOfData, eventsOfOutputs } from "./events-in-outputs.js";
import { cellSource, newCellId, readNotebook, sectionsOf, toSourceLines, type Notebook, type NotebookCell } from "./notebook-file.js";

/** Status of one executed cell. */
export type CellStatus = "passed" | "failed" | "error" | "timeout" | "interrupted" | "skipped";

/** What happened in one cell. */
export interface CellResult {
  notebook: string;
  index: number;
  id: string;
  section: string;
  /** First line of the cell's code (for reports). */
  title: string;
  status: CellStatus;
  durationMs: number;
  /** Time spent inside commands (sum of their durations). */
  commandMs: number;
  commands: Array<CommandEvent & { end?: EndEvent }>;
  checks: CheckEvent[];
  /** The error message when the cell raised (Portuguese when it is ours). */
  error?: string;
  /** With rerunAfterRestart: the second run's status and duration. */
  rerun?: { status: CellStatus; durationMs: number };
}

/** Progress of a run, for the terminal display. */
export type RunnerProgress =
  | { kind: "notebook-start"; notebook: string; cells: number }
  | { kind: "cell-start"; notebook: string; index: number; section: string; title: string }
  | { kind: "event"; notebook: string; index: number; event: RunbookEvent }
  | { kind: "cell-end"; result: CellResult }
  | { kind: "notebook-end"; notebook: string; ok: boolean; durationMs: number };

/** Options of executeNotebook. */
export interface ExecuteNotebookOptions {
  file: string;
  /** Kernel spec name (default tslab). */
  kernel?: string;
  /** Environment for the kernel (parameters file, state dir, mode…). */
  env?: Record<string, string | undefined>;
  /** Code of a cell inserted first and tagged `injected-parameters` (papermill-style); the source file is not changed. */
  injectedParameters?: string;
  cellTimeoutMs: number;
  onProgress?: (p: RunnerProgress) => void;
  signal?: AbortSignal;
  /** Keep executing after a failed cell (default false: stop at the first failure). */
  continueOnFailure?: boolean;
  /** After each passing cell, restart the kernel and run the same cell again: proves every cell is safe to run twice
   * and after a kernel restart (state and parameters reloaded). */
  rerunAfterRestart?: boolean;
  /** Which code cells run (default: all): the others are left unexecuted, as when a student re-runs part of a
   * notebook (every cell reloads its state). The injected parameters cell always runs. */
  select?: (cell: { index: number; section: string; title: string }) => boolean;
  /** Called before each code cell runs (e.g. to inject a lab fault at the step that should meet it). */
  beforeCell?: (cell: { notebook: string; index: number; id: string; section: string; title: string; source: string }) => Promise<void>;
}

/** The executed notebook and per-cell results. */
export interface ExecutedNotebook {
  file: string;
  notebook: Notebook;
  cells: CellResult[];
  ok: boolean;
  durationMs: number;
}

/** First meaningful line of code, for titles. */
const titleOf = (source: string): string =>
  source
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith("import ") && !/^const rb = runbook/.test(l))
    ?.slice(0, 100) ?? "";

/** Runs every code cell of the notebook in a fresh kernel. */
export const executeNotebook = async (options: ExecuteNotebookOptions): Promise<ExecutedNotebook> => {
  const started = performance.now();
  const name = path.basename(options.file);
  const nb = readNotebook(options.file);
  if (options.injectedParameters !== undefined) {
    const at = Math.max(0, nb.cells.findIndex((c) => c.cell_type === "code"));
    const injected: NotebookCell = {
      id: newCellId(),
      cell_type: "code",
      source: toSourceLines(options.injectedParameters),
      metadata: { tags: ["injected-parameters"] },
      execution_count: null,
      outputs: [],
    };
    nb.cells.splice(at, 0, injected);
  }
  const sections = sectionsOf(nb);
  const codeCells = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === "code");
  options.onProgress?.({ kind: "notebook-start", notebook: name, cells: codeCells.length });

  const startKernel = () => KernelClient.start({ spec: findKernelSpec(options.kernel ?? "tslab", process.env, path.join(projectRoot(), "node_modules", ".bin", "tslab")), cwd: path.dirname(path.resolve(options.file)), env: options.env ?? {} });
  let kernel = await startKernel();
  const results: CellResult[] = [];
  let stopped = false;
  try {
    for (const [cell, index] of codeCells) {
      const source = cellSource(cell);
      const base = { notebook: name, index, id: cell.id, section: sections[index] ?? "", title: titleOf(source) };
      const injected = ((cell.metadata as { tags?: string[] } | undefined)?.tags ?? []).includes("injected-parameters");
      const outside = !injected && options.select !== undefined && !options.select(base);
      if (outside && !stopped) {
        results.push({ ...base, status: "skipped", durationMs: 0, commandMs: 0, commands: [], checks: [] });
        continue;
      }
      if (stopped || options.signal?.aborted || !source.trim()) {
        results.push({ ...base, status: "skipped", durationMs: 0, commandMs: 0, commands: [], checks: [] });
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      await options.beforeCell?.({ ...base, source });
      options.onProgress?.({ kind: "cell-start", ...base });
      const runCell = async (): Promise<{ outcome: ExecuteOutcome; status: CellStatus; events: RunbookEvent[] }> => {
        const deduper = new EventDeduper();
        const outcome: ExecuteOutcome = await kernel.execute(source, {
          timeoutMs: options.cellTimeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
          onOutput: (outputs, i) => {
            const out = outputs[i];
            if (out && (out.output_type === "display_data" || out.output_type === "execute_result")) {
              for (const event of deduper.fresh(eventsOfData(out.data))) options.onProgress?.({ kind: "event", notebook: name, index, event });
            }
          },
        });
        const events = eventsOfOutputs(outcome.outputs);
        const failedCheck = checksOf(events).some((c) => c.status === "fail");
        const status: CellStatus =
          outcome.status === "ok" ? "passed" : outcome.status === "timeout" ? "timeout" : outcome.status === "interrupted" ? "interrupted" : failedCheck ? "failed" : "error";
        return { outcome, status, events };
      };
      const first = await runCell();
      const { outcome, events } = first;
      let { status } = first;
      cell.outputs = outcome.outputs;
      cell.execution_count = outcome.executionCount;
      const ends = new Map(events.filter((e): e is EndEvent => e.kind === "end").map((e) => [e.id, e]));
      const commands = events.filter((e): e is CommandEvent => e.kind === "command").map((c) => ({ ...c, ...(ends.has(c.id) ? { end: ends.get(c.id)! } : {}) }));
      const checks = checksOf(events);
      let rerun: CellResult["rerun"];
      let rerunError: string | undefined;
      if (status === "passed" && options.rerunAfterRestart) {
        await kernel.shutdown();
        kernel = await startKernel();
        const second = await runCell();
        rerun = { status: second.status, durationMs: second.outcome.durationMs };
        if (second.status !== "passed") {
          status = second.status;
          const failed = checksOf(second.events).find((c) => c.status === "fail");
          rerunError = `a célula passou na primeira vez mas falhou ao rodar de novo, depois de reiniciar o kernel: ${failed ? `✘ ${failed.title}: recebido ${failed.received}` : second.outcome.error ? `${second.outcome.error.ename}: ${second.outcome.error.evalue}` : second.status}`;
          cell.outputs = second.outcome.outputs;
          checks.push(...checksOf(second.events));
        }
      }
      const result: CellResult = {
        ...base,
        status,
        durationMs: outcome.durationMs,
        commandMs: commands.reduce((sum, c) => sum + (c.end?.durationMs ?? 0), 0),
        commands,
        checks,
        ...(rerun ? { rerun } : {}),
        ...(rerunError ? { error: rerunError } : outcome.error ? { error: `${outcome.error.ename}: ${outcome.error.evalue}`.trim() } : outcome.status === "timeout" ? { error: `tempo esgotado após ${Math.round(options.cellTimeoutMs / 1000)} s` } : {}),
      };
      results.push(result);
      options.onProgress?.({ kind: "cell-end", result });
      if (status !== "passed" && !options.continueOnFailure) stopped = true;
      if (status !== "passed" && options.continueOnFailure) await new Promise((r) => setTimeout(r, 300)); // tslab refuses requests for 200 ms after an error
    }
  } finally {
    await kernel.shutdown();
  }
  const ok = results.every((r) => r.status === "passed" || (r.status === "skipped" && !stopped));
  const durationMs = Math.round(performance.now() - started);
  options.onProgress?.({ kind: "notebook-end", notebook: name, ok, durationMs });
  return { file: options.file, notebook: nb, cells: results, ok, durationMs };
};
