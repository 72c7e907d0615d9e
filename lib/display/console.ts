// Shows events in a terminal: commands with their output as it streams, then checks, notes and figures as text.
import type { EventSink, RunbookEvent } from "../run/events.js";
import { renderCheckText, renderFigureText, renderNoteText } from "./render.js";
import { formatDuration } from "./text.js";

/** An EventSink that writes plain text to a stream (default: stdout). */
export class ConsoleSink implements EventSink {
  constructor(private readonly out: { write(text: string): unknown } = process.stdout) {}

  /** Writes one event as text. */
  emit(event: RunbookEvent): void {
    switch (event.kind) {
      case "command":
        this.out.write(`${event.target === "ssh" ? "vm$ " : "$ "}${event.target === "ssh" && event.remote ? event.remote : event.display}\n`);
        break;
      case "output":
        this.out.write(event.text);
        break;
      case "end":
        if (!event.planned && !event.ok) {
          this.out.write(`[✘ ${event.timedOut ? "tempo esgotado" : `código ${event.exitCode}`} · ${formatDuration(event.durationMs)}]\n`);
        }
        break;
      case "check":
        this.out.write(`${renderCheckText(event)}\n`);
        break;
      case "note":
        this.out.write(`${renderNoteText(event)}\n`);
        break;
      case "figure":
        this.out.write(`${renderFigureText(event)}\n`);
        break;
    }
  }
}
