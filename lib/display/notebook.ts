// Shows events in a tslab notebook cell: one live display per command (updated while it runs) and one per check,
// note or figure, each a MIME bundle of text/plain, text/html and the events as JSON (for the runner and the exporter).
import { createRequire } from "node:module";
import { EVENTS_MIME, type EventSink, type EventsDocument, type RunbookEvent } from "../run/events.js";
import { groupEvents, renderItemHtml, renderItemText } from "./render.js";

/** The raw display function of the running tslab kernel: (content, update) → sends display_data/update_display_data. */
export type WriteDisplayData = (
  content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id: string } },
  update: boolean,
) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

/** True when this process is a tslab kernel. */
export const inTslabKernel = (): boolean => process.argv.includes("kernel") && /tslab/.test(process.argv[1] ?? "");

let tslabModule: TslabJupyterModule | undefined;
/** The current cell's display function when running inside tslab, else undefined. */
export const tslabWriter = (): WriteDisplayData | undefined => {
  if (!inTslabKernel()) return undefined;
  tslabModule ??= createRequire(import.meta.url)("tslab/dist/jupyter.js") as TslabJupyterModule;
  return tslabModule.lastWriteDisplayData ?? undefined;
};

const UPDATE_INTERVAL_MS = 250;

/** An EventSink that renders into the current notebook cell. */
export class NotebookSink implements EventSink {
  readonly #groups = new Map<string, { displayId: string; events: RunbookEvent[]; timer?: NodeJS.Timeout; shown: boolean }>();
  #seq = 0;
  constructor(private readonly writer: () => WriteDisplayData | undefined = tslabWriter) {}

  /** Renders one event (commands are grouped with their output and end). */
  emit(event: RunbookEvent): void {
    if (event.kind === "command") {
      const group = { displayId: this.#newDisplayId(), events: [event] as RunbookEvent[], shown: false };
      this.#groups.set(event.id, group);
      this.#send(group, false);
      return;
    }
    if (event.kind === "output" || event.kind === "end") {
      const group = this.#groups.get(event.id);
      if (!group) return;
      group.events.push(event);
      if (event.kind === "end") {
        if (group.timer) clearTimeout(group.timer);
        this.#send(group, true);
        this.#groups.delete(event.id);
      } else if (!group.timer) {
        group.timer = setTimeout(() => {
          group.timer = undefined;
          this.#send(group, true);
        }, UPDATE_INTERVAL_MS);
      }
      return;
    }
    this.#send({ displayId: this.#newDisplayId(), events: [event], shown: false }, false);
  }

  #send(group: { displayId: string; events: RunbookEvent[]; shown: boolean }, update: boolean): void {
    const write = this.writer();
    if (!write) return;
    const items = groupEvents(group.events);
    const doc: EventsDocument = { version: 1, events: group.events };
    write(
      {
        data: {
          "text/plain": items.map(renderItemText).join("\n"),
          "text/html": items.map(renderItemHtml).join(""),
          [EVENTS_MIME]: doc,
        },
        metadata: {},
        transient: { display_id: group.displayId },
      },
      update && group.shown,
    );
    group.shown = true;
  }

  #newDisplayId(): string {
    return `iev-${process.pid}-${Date.now().toString(36)}-${(this.#seq++).toString(36)}`;
  }
}
