// Renders events as HTML (the notebook, the HTML export) and as plain text (terminal, text/plain outputs).
import type { CheckEvent, CommandEvent, EndEvent, FigureEvent, NoteEvent, OutputEvent, RunbookEvent } from "../run/events.js";
import { escapeHtml, formatDuration, stripAnsi } from "./text.js";

/** A command with its output and end, assembled from events. */
export interface CommandView {
  command: CommandEvent;
  output: OutputEvent[];
  end?: EndEvent;
}

/** Groups a flat event list into renderable items, in order (a command with its output and end is one item). */
export const groupEvents = (events: readonly RunbookEvent[]): Array<CommandView | CheckEvent | NoteEvent | FigureEvent> => {
  const items: Array<CommandView | CheckEvent | NoteEvent | FigureEvent> = [];
  const commands = new Map<string, CommandView>();
  for (const event of events) {
    if (event.kind === "command") {
      const view: CommandView = { command: event, output: [] };
      commands.set(event.id, view);
      items.push(view);
    } else if (event.kind === "output") {
      commands.get(event.id)?.output.push(event);
    } else if (event.kind === "end") {
      const view = commands.get(event.id);
      if (view) view.end = event;
    } else {
      items.push(event);
    }
  }
  return items;
};

/** True for a CommandView item. */
export const isCommandView = (item: unknown): item is CommandView => typeof item === "object" && item !== null && "command" in item;

/** The output of a command as one text (streams interleaved as they came; ANSI removed). */
export const commandOutput = (view: CommandView): string => stripAnsi(view.output.map((o) => o.text).join(""));

const STYLE = {
  box: "margin:4px 0;border-left:3px solid #7a8ba6;padding:2px 8px;background:#f6f8fa;font-family:monospace;font-size:12.5px",
  cmd: "margin:0;white-space:pre-wrap;color:#0b3d91;font-weight:600",
  out: "margin:2px 0 0 0;white-space:pre-wrap;color:#222;max-height:28em;overflow:auto",
  meta: "color:#667;font-size:11px",
};

/** Status line of a finished command, e.g. "✔ 0,4 s" or "✘ código 1 · 2,0 s". */
const endLine = (view: CommandView): string => {
  const end = view.end;
  if (!end) return "⏳ em execução…";
  if (end.planned) return "plano: não executado";
  const how = end.timedOut ? "tempo esgotado" : end.signal ? `sinal ${end.signal}` : `código ${end.exitCode}`;
  return `${end.ok ? "✔" : "✘"} ${end.ok ? "" : `${how} · `}${formatDuration(end.durationMs)}`;
};

/** Prompt-style first line: `$ cmd` locally, `vm$ cmd` over SSH. */
const promptFor = (c: CommandEvent): string => (c.target === "ssh" ? "vm$ " : "$ ");

/** Plain-text rendering of a command and its output. */
export const renderCommandText = (view: CommandView): string => {
  const c = view.command;
  const shown = c.target === "ssh" && c.remote !== undefined ? c.remote : c.display;
  const out = commandOutput(view);
  return `${promptFor(c)}${shown}\n${out}${out && !out.endsWith("\n") ? "\n" : ""}[${endLine(view)}]`;
};

/** HTML rendering of a command and its output. */
export const renderCommandHtml = (view: CommandView): string => {
  const c = view.command;
  const shown = c.target === "ssh" && c.remote !== undefined ? c.remote : c.display;
  const out = commandOutput(view);
  const title = c.target === "ssh" ? ` title="${escapeHtml(c.display)}"` : "";
  return (
    `<div class="iev-command" style="${STYLE.box}">` +
    `<pre style="${STYLE.cmd}"${title}>${escapeHtml(promptFor(c) + shown)}</pre>` +
    (out ? `<pre style="${STYLE.out}">${escapeHtml(out)}</pre>` : "") +
    `<div style="${STYLE.meta}">${escapeHtml(endLine(view))}</div></div>`
  );
};

const CHECK_ICON = { pass: "✔", fail: "✘", skip: "–" } as const;
const CHECK_COLOR = { pass: "#1a7f37", fail: "#cf222e", skip: "#6e7781" } as const;

/** Plain-text rendering of a check: ✔ title; on failure expected vs received, where it differs, and the diagnoses. */
export const renderCheckText = (check: CheckEvent): string => {
  const lines = [`${CHECK_ICON[check.status]} ${check.title}${check.status === "skip" ? " (não executado: modo plano)" : ""}`];
  if (check.status === "fail") {
    lines.push(`  esperado: ${indent(check.expected)}`, `  recebido: ${indent(check.received)}`);
    if (check.detail) lines.push(`  diferença: ${indent(check.detail)}`);
  } else if (check.status === "skip") {
    lines.push(`  esperado: ${indent(check.expected)}`);
  }
  if (check.attempts > 1) lines.push(`  tentativas: ${check.attempts} em ${formatDuration(check.durationMs)}`);
  for (const d of check.diagnoses) {
    lines.push(`  ▸ causa provável: ${indent(d.cause, 4)}`, `    como corrigir: ${indent(d.fix, 4)}`);
    if (d.evidence) lines.push(`    evidência: ${indent(d.evidence, 4)}`);
  }
  return lines.join("\n");
};

const CHECK_CELL = "padding:0 6px;color:#555;vertical-align:top;white-space:nowrap";
const CHECK_PRE = "margin:0;white-space:pre-wrap;max-height:24em;overflow:auto";

/** The expected/received table of a check. */
const checkTable = (check: CheckEvent): string =>
  `<table style="border-collapse:collapse;margin-top:2px;font-size:12px">` +
  `<tr><td style="${CHECK_CELL}">esperado</td><td><pre style="${CHECK_PRE}">${escapeHtml(check.expected)}</pre></td></tr>` +
  (check.status === "skip" ? "" : `<tr><td style="${CHECK_CELL}">recebido</td><td><pre style="${CHECK_PRE}">${escapeHtml(check.received)}</pre></td></tr>`) +
  (check.detail ? `<tr><td style="${CHECK_CELL}">diferença</td><td><pre style="${CHECK_PRE};color:#cf222e">${escapeHtml(check.detail)}</pre></td></tr>` : "") +
  `</table>`;

/** HTML rendering of a check: a ✔/✘ badge; expected vs received (folded when it passed); diagnoses under a failure. */
export const renderCheckHtml = (check: CheckEvent): string => {
  const color = CHECK_COLOR[check.status];
  const diagnoses = check.diagnoses
    .map(
      (d) =>
        `<div class="iev-diagnosis" style="margin-top:4px;padding:4px 8px;background:#fff8c5;border-radius:4px">` +
        `<b>Causa provável:</b> ${escapeHtml(d.cause)}<br><b>Como corrigir:</b> <span style="white-space:pre-wrap">${escapeHtml(d.fix)}</span>` +
        (d.evidence ? `<br><b>Evidência:</b> <code style="white-space:pre-wrap">${escapeHtml(d.evidence)}</code>` : "") +
        `</div>`,
    )
    .join("");
  const attempts = check.attempts > 1 ? ` <span style="color:#667;font-size:11px">(${check.attempts} tentativas, ${escapeHtml(formatDuration(check.durationMs))})</span>` : "";
  const skip = check.status === "skip" ? ` <span style="color:#667;font-size:11px">(não executado: modo plano)</span>` : "";
  const head = `<span style="color:${color};font-weight:700">${CHECK_ICON[check.status]}</span> ${escapeHtml(check.title)}${attempts}${skip}`;
  const body =
    check.status === "fail"
      ? `${head}${checkTable(check)}${diagnoses}`
      : `<details><summary style="cursor:pointer;list-style-position:inside">${head}</summary>${checkTable(check)}</details>`;
  return `<div class="iev-check iev-${check.status}" style="margin:4px 0;padding:4px 8px;border:1px solid ${color};border-radius:6px">${body}</div>`;
};

/** Plain-text rendering of a note. */
export const renderNoteText = (note: NoteEvent): string =>
  `${note.level === "warn" ? "⚠ " : "ℹ "}${note.text}${note.code ? `\n${note.code.text.replace(/\n$/, "")}` : ""}`;

/** HTML rendering of a note. */
export const renderNoteHtml = (note: NoteEvent): string =>
  `<div class="iev-note" style="margin:4px 0;padding:4px 8px;background:${note.level === "warn" ? "#fff1e5" : "#eef6ff"};border-radius:4px">${note.level === "warn" ? "⚠ " : "ℹ "}${escapeHtml(note.text)}` +
  (note.code ? `<pre style="${STYLE.out};background:#fff;padding:4px">${escapeHtml(note.code.text.replace(/\n$/, ""))}</pre>` : "") +
  `</div>`;

/** Plain-text rendering of a figure (a table as aligned columns; a picture as its title). */
export const renderFigureText = (figure: FigureEvent): string => {
  if (!figure.table) return `[figura: ${figure.title}]`;
  const { columns, rows } = figure.table;
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (cell ?? "").padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [figure.title, line(columns), ...rows.map(line)].join("\n");
};

/** HTML rendering of a figure (table or inline SVG). */
export const renderFigureHtml = (figure: FigureEvent): string => {
  const caption = `<div style="font-weight:600;margin:4px 0">${escapeHtml(figure.title)}</div>`;
  if (figure.svg) return `<div class="iev-figure">${caption}${figure.svg}</div>`;
  if (!figure.table) return caption;
  const th = figure.table.columns.map((c) => `<th style="text-align:left;padding:2px 8px;border-bottom:1px solid #ccc">${escapeHtml(c)}</th>`).join("");
  const trs = figure.table.rows.map((r) => `<tr>${r.map((c) => `<td style="padding:2px 8px">${escapeHtml(c)}</td>`).join("")}</tr>`).join("");
  return `<div class="iev-figure">${caption}<table style="border-collapse:collapse;font-size:12.5px"><tr>${th}</tr>${trs}</table></div>`;
};

/** Renders any item as text. */
export const renderItemText = (item: CommandView | CheckEvent | NoteEvent | FigureEvent): string =>
  isCommandView(item) ? renderCommandText(item) : item.kind === "check" ? renderCheckText(item) : item.kind === "note" ? renderNoteText(item) : renderFigureText(item);

/** Renders any item as HTML. */
export const renderItemHtml = (item: CommandView | CheckEvent | NoteEvent | FigureEvent): string =>
  isCommandView(item) ? renderCommandHtml(item) : item.kind === "check" ? renderCheckHtml(item) : item.kind === "note" ? renderNoteHtml(item) : renderFigureHtml(item);

const indent = (text: string, n = 2): string => text.replace(/\n/g, `\n${" ".repeat(n + 10)}`);
