// The terminal progress display of a run: notebook, section, cell, commands and check results as they happen,
// elapsed time; a live status line on a terminal, plain lines otherwise (CI logs).
import { renderCheckText } from "../display/render.js";
import { formatDuration } from "../display/text.js";
import type { RunnerProgress } from "./execute-notebook.js";

/** Options of ProgressDisplay. */
export interface ProgressOptions {
  out?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  /** Also list every command as it starts (default true). */
  commands?: boolean;
}

/** Prints runner progress. */
export class ProgressDisplay {
  readonly #out: { write(s: string): unknown; isTTY?: boolean };
  readonly #commands: boolean;
  readonly #started = performance.now();
  #cells = 0;
  #cellNo = 0;
  #section = "";
  #status = "";
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ProgressOptions = {}) {
    this.#out = options.out ?? process.stdout;
    this.#commands = options.commands ?? true;
    if (this.#out.isTTY) this.#timer = setInterval(() => this.#redraw(), 500);
  }

  /** Handles one progress event. */
  on(p: RunnerProgress): void {
    switch (p.kind) {
      case "notebook-start":
        this.#cells = p.cells;
        this.#cellNo = 0;
        this.#line(`▶ ${p.notebook} (${p.cells} células)`);
        break;
      case "cell-start":
        this.#cellNo++;
        if (p.section !== this.#section) {
          this.#section = p.section;
          this.#line(`  § ${p.section || "início"}`);
        }
        this.#status = `[${this.#cellNo}/${this.#cells}] ${p.title}`;
        this.#redraw();
        break;
      case "event":
        if (p.event.kind === "command" && this.#commands) this.#line(`      ${p.event.target === "ssh" ? "vm$" : "$"} ${firstLine(p.event.target === "ssh" && p.event.remote ? p.event.remote : p.event.display)}${p.event.planned ? "   (plano)" : ""}`);
        if (p.event.kind === "check") this.#line(indent(renderCheckText(p.event), 4));
        if (p.event.kind === "note" && p.event.level === "warn") this.#line(`    ⚠ ${p.event.text}`);
        break;
      case "cell-end": {
        const r = p.result;
        if (r.status !== "passed") {
          this.#line(`    ✘ célula ${this.#cellNo}/${this.#cells} (${r.status}) em ${formatDuration(r.durationMs)}${r.error ? `: ${firstLines(r.error, 12)}` : ""}`);
        }
        break;
      }
      case "notebook-end":
        this.#status = "";
        this.#line(`${p.ok ? "✔" : "✘"} ${p.notebook} em ${formatDuration(p.durationMs)}`);
        break;
    }
  }

  /** Stops the live line. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#out.isTTY) this.#out.write("\r\u001b[K");
  }

  #line(text: string): void {
    if (this.#out.isTTY) this.#out.write("\r\u001b[K");
    this.#out.write(`${text}\n`);
    this.#redraw();
  }

  #redraw(): void {
    if (!this.#out.isTTY || !this.#status) return;
    const elapsed = formatDuration(performance.now() - this.#started);
    const width = (this.#out as NodeJS.WriteStream).columns ?? 100;
    this.#out.write(`\r\u001b[K\u001b[2m⏳ ${elapsed} ${this.#status}`.slice(0, width + 8) + "\u001b[0m");
  }
}

const firstLine = (s: string): string => s.split("\n")[0] + (s.includes("\n") ? " …" : "");
const firstLines = (s: string, n: number): string => s.split("\n").slice(0, n).join("\n      ");
const indent = (s: string, n: number): string => s.split("\n").map((l) => " ".repeat(n) + l).join("\n");
