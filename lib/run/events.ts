// Typed events of a runbook session: what ran, what it printed, how it ended, what was checked. Notebooks render
// them, the runner reports them, the exporter replays them as a shell transcript.

/** Where a command runs. */
export type CommandTarget = "local" | "ssh";

/** A command started (or, in plan mode, would have started). */
export interface CommandEvent {
  kind: "command";
  id: string;
  /** ISO timestamp. */
  at: string;
  /** The course step this command belongs to, e.g. "Instalando o Istio". */
  step?: string;
  target: CommandTarget;
  /** The command line as a student would type it (tool names, no session flags), secrets masked. */
  display: string;
  /** The exact command line that runs (absolute tool paths, --context, ssh options), secrets masked. */
  exact: string;
  /** For SSH: the remote command line (masked), as typed after `ssh-vm`. */
  remote?: string;
  /** True in plan mode: recorded, not run. */
  planned: boolean;
}

/** A piece of a command's output (masked). */
export interface OutputEvent {
  kind: "output";
  id: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** A command ended. */
export interface EndEvent {
  kind: "end";
  id: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  ok: boolean;
  planned: boolean;
}

/** Status of a check. */
export type CheckStatus = "pass" | "fail" | "skip";

/** A diagnosis shown under a failed check: the likely cause and how to fix it (Portuguese). */
export interface Diagnosis {
  id: string;
  cause: string;
  fix: string;
  /** The evidence that matched (masked), e.g. the log line. */
  evidence?: string;
}

/** The result of a check, as data. */
export interface CheckEvent {
  kind: "check";
  id: string;
  at: string;
  step?: string;
  title: string;
  status: CheckStatus;
  expected: string;
  received: string;
  attempts: number;
  durationMs: number;
  diagnoses: Diagnosis[];
  /** Where or why it failed, e.g. "linha 2, campo 3: esperado «x», recebido «y»" (Portuguese). */
  detail?: string;
  /** What the check compared against: a matcher ({ kind: "like", expected }) or a structured check's kind and parameters. */
  expectation?: { kind: string; spec?: Record<string, unknown> };
  /** Machine-readable extras (parsed values, counts), masked. */
  data?: unknown;
}

/** A short message for the reader (a warning, an explanation produced at run time). */
export interface NoteEvent {
  kind: "note";
  id: string;
  at: string;
  level: "info" | "warn";
  text: string;
  /** A block shown under the text, e.g. the shell equivalent of what a cell set up, or a YAML document. */
  code?: { language: "bash" | "yaml" | "json" | "text"; text: string };
}

/** A table or picture produced at run time (monitoring results, the live mesh picture). */
export interface FigureEvent {
  kind: "figure";
  id: string;
  at: string;
  title: string;
  /** One of: a table (header + rows) or an SVG document. */
  table?: { columns: string[]; rows: string[][] };
  svg?: string;
}

/** Every event the library emits. */
export type RunbookEvent = CommandEvent | OutputEvent | EndEvent | CheckEvent | NoteEvent | FigureEvent;

/** The MIME type under which events are stored in notebook outputs (one JSON document per display). */
export const EVENTS_MIME = "application/vnd.istio-em-vms.events+json";

/** The JSON stored under EVENTS_MIME. */
export interface EventsDocument {
  version: 1;
  events: RunbookEvent[];
}

/** Receives events as they happen. */
export interface EventSink {
  emit(event: RunbookEvent): void;
}

/** An in-memory event log (also a sink): what tests, the plan mode and the exporter read. */
export class EventLog implements EventSink {
  readonly events: RunbookEvent[] = [];
  /** Appends an event. */
  emit(event: RunbookEvent): void {
    this.events.push(event);
  }
  /** Events of one kind. */
  ofKind<K extends RunbookEvent["kind"]>(kind: K): Extract<RunbookEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<RunbookEvent, { kind: K }> => e.kind === kind);
  }
}

/** Sends every event to several sinks. */
export const fanOut = (...sinks: EventSink[]): EventSink => ({
  emit: (event) => {
    for (const sink of sinks) sink.emit(event);
  },
});

let counter = 0;
/** A short unique id for an event group (a command and its output/end share one). */
export const newEventId = (prefix = "e"): string => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
