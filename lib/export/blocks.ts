// A notebook as a sequence of tutorial blocks: our prose, then what each code cell ran (commands, outputs, checks,
// notes, figures) — read from the events recorded in the cell's outputs, never from the TypeScript.
import type { CheckEvent, FigureEvent, NoteEvent } from "../run/events.js";
import { commandOutput, groupEvents, isCommandView } from "../display/render.js";
import { stripAnsi } from "../display/text.js";
import { Masker } from "../redact/masker.js";
import { eventsOfOutputs } from "../runner/events-in-outputs.js";
import { cellSource, type Notebook } from "../runner/notebook-file.js";

/** One block of the written tutorial. */
export type TutorialBlock =
  | { kind: "prose"; markdown: string }
  | { kind: "command"; display: string; output: string; ok: boolean | null; planned: boolean }
  | { kind: "check"; check: CheckEvent }
  | { kind: "note"; note: NoteEvent }
  | { kind: "figure"; figure: FigureEvent }
  | { kind: "code"; source: string }
  | { kind: "error"; text: string };

/** Options of notebookBlocks. */
export interface BlocksOptions {
  /** Include each cell's TypeScript (off by default: the tutorial shows commands, not code). */
  withCode?: boolean;
  /** The masker applied once more to everything (defense in depth; the library already masked). */
  masker?: Masker;
}

/** Turns a notebook (executed, or executed in plan mode) into tutorial blocks. */
export const notebookBlocks = (nb: Notebook, options: BlocksOptions = {}): TutorialBlock[] => {
  const masker = options.masker ?? new Masker();
  const blocks: TutorialBlock[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type === "markdown") {
      blocks.push({ kind: "prose", markdown: cellSource(cell) });
      continue;
    }
    if (cell.cell_type !== "code" || (cell.metadata["tags"] as string[] | undefined)?.includes("injected-parameters")) continue;
    if (options.withCode && cellSource(cell).trim()) blocks.push({ kind: "code", source: masker.mask(cellSource(cell)) });
    const outputs = cell.outputs ?? [];
    for (const item of groupEvents(eventsOfOutputs(outputs))) {
      if (isCommandView(item)) {
        blocks.push({
          kind: "command",
          display: masker.mask(stripAnsi(item.command.display)),
          output: masker.mask(commandOutput(item)),
          ok: item.end ? item.end.ok : null,
          planned: item.command.planned,
        });
      } else if (item.kind === "check") blocks.push({ kind: "check", check: masker.maskDeep(item) });
      else if (item.kind === "note") blocks.push({ kind: "note", note: masker.maskDeep(item) });
      else blocks.push({ kind: "figure", figure: masker.maskDeep(item) });
    }
    const error = outputs.find((o) => o.output_type === "error");
    const stderr = outputs.filter((o) => o.output_type === "stream" && o.name === "stderr");
    if (error?.output_type === "error") blocks.push({ kind: "error", text: masker.mask(`${error.ename}: ${error.evalue}`) });
    else if (stderr.length && !outputs.some((o) => o.output_type === "display_data")) {
      const text = stderr.map((o) => (o.output_type === "stream" ? o.text : "")).join("");
      const firstLines = stripAnsi(text).split("\n").filter((l) => !/^\s+at /.test(l)).slice(0, 8).join("\n");
      blocks.push({ kind: "error", text: masker.mask(firstLines) });
    }
  }
  return blocks;
};
