// Reads the library's events back out of notebook outputs (each display carries them as JSON under EVENTS_MIME).
import { EVENTS_MIME, type CheckEvent, type EventsDocument, type RunbookEvent } from "../run/events.js";
import type { NotebookOutput } from "./kernel/outputs.js";

/** Every event recorded in a cell's outputs, in order. */
export const eventsOfOutputs = (outputs: readonly NotebookOutput[]): RunbookEvent[] =>
  outputs.flatMap((o) => (o.output_type === "display_data" || o.output_type === "execute_result" ? eventsOfData(o.data) : []));

/** The events in one output's MIME bundle. */
export const eventsOfData = (data: Record<string, unknown>): RunbookEvent[] => {
  const doc = data[EVENTS_MIME] as EventsDocument | string | undefined;
  const parsed = typeof doc === "string" ? (JSON.parse(doc) as EventsDocument) : doc;
  return parsed?.version === 1 && Array.isArray(parsed.events) ? parsed.events : [];
};

/** The checks among events. */
export const checksOf = (events: readonly RunbookEvent[]): CheckEvent[] => events.filter((e): e is CheckEvent => e.kind === "check");

/** Yields events not seen before (a display that is updated re-sends its group's events). */
export class EventDeduper {
  readonly #seen = new Set<string>();
  /** Returns the events of `events` that were not returned earlier. */
  fresh(events: readonly RunbookEvent[]): RunbookEvent[] {
    return events.filter((e) => {
      const key = e.kind === "output" ? `${e.id}:output:${e.stream}:${e.text}` : `${e.id}:${e.kind}`;
      if (this.#seen.has(key)) return false;
      this.#seen.add(key);
      return true;
    });
  }
}
