import test from "ava";
import { NotebookSink, type WriteDisplayData } from "../../../lib/display/notebook.js";
import { EVENTS_MIME, type EventsDocument, type RunbookEvent } from "../../../lib/run/events.js";

const at = "2026-01-01T00:00:00.000Z";

test("a command gets one display, updated in place when it ends, with text, HTML and the events as JSON", (t) => {
  const calls: Array<{ id: string; update: boolean; data: Record<string, unknown> }> = [];
  const writer: WriteDisplayData = (content, update) => calls.push({ id: content.transient.display_id, update, data: content.data });
  const sink = new NotebookSink(() => writer);
  const events: RunbookEvent[] = [
    { kind: "command", id: "c1", at, target: "local", display: "echo hi", exact: "echo hi", planned: false },
    { kind: "output", id: "c1", stream: "stdout", text: "hi\n" },
    { kind: "end", id: "c1", exitCode: 0, signal: null, durationMs: 5, timedOut: false, ok: true, planned: false },
  ];
  for (const e of events) sink.emit(e);
  t.is(calls.length, 2);
  t.false(calls[0]!.update);
  t.true(calls[1]!.update);
  t.is(calls[0]!.id, calls[1]!.id);
  const final = calls[1]!.data;
  t.is(final["text/plain"], "$ echo hi\nhi\n[✔ 0,0 s]");
  t.true(String(final["text/html"]).includes("echo hi"));
  t.deepEqual((final[EVENTS_MIME] as EventsDocument).events, events);
});

test("outside a kernel nothing is written and nothing fails", (t) => {
  const sink = new NotebookSink(() => undefined);
  t.notThrows(() => sink.emit({ kind: "note", id: "n", at, level: "info", text: "x" }));
});
