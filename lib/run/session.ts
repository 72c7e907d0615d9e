// The runbook session: the one execution seam every command goes through (masked, recorded, rendered, exportable),
// the parameters, the run state, and where events go.
import { LineMasker } from "../redact/line-masker.js";
import { Masker } from "../redact/masker.js";
import type { LoadedParams } from "../params/load.js";
import type { RunbookParams } from "../params/schema.js";
import { RunState } from "../params/state.js";
import { EventLog, newEventId, type CommandTarget, type Diagnosis, type EventSink, type NoteEvent, type RunbookEvent } from "./events.js";
import { localExecutor, type Executor } from "./executor.js";
import { quoteArgv } from "./quote.js";
import { CommandResult } from "./result.js";

/** "run" executes commands; "plan" only records what would run. */
export type SessionMode = "run" | "plan";

/** One command for the seam. */
export interface RunOptions {
  /** The exact argv (argv[0] may be an absolute path). */
  argv: readonly string[];
  /** The argv as a student would type it (default: argv with argv[0] reduced to its base name). */
  displayArgv?: readonly string[];
  /** A display form that replaces the one built from displayArgv (e.g. a pipeline or a heredoc). */
  display?: string;
  /** Show stdin as a heredoc in the display (`cat <<EOF | cmd …`), as the course writes `kubectl apply -f -`. */
  stdinAsHeredoc?: boolean;
  target?: CommandTarget;
  /** For SSH: the remote command line as typed after `ssh-vm`. */
  remote?: string;
  step?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  /** Default: the session's (60 s). */
  timeoutMs?: number;
  /** Return a failed result instead of throwing it. */
  nothrow?: boolean;
  /** Do not stream output events (the result still has the output; a command event and an end event are still emitted). */
  quiet?: boolean;
  /** Values to mask in everything this command shows (registered for the rest of the session). */
  secrets?: readonly string[];
  /** Abort the command (Ctrl-C of the runner). */
  signal?: AbortSignal;
}

/** Options of a Session. */
export interface SessionOptions {
  params: LoadedParams;
  mode?: SessionMode;
  sink?: EventSink;
  masker?: Masker;
  executor?: Executor;
  state?: RunState;
  defaultTimeoutMs?: number;
  /** Causes and fixes for a failed command (the runbook passes the diagnosis engine; default: none). */
  diagnoseFailure?: (result: CommandResult) => Diagnosis[];
}

const MAX_RECORDED_OUTPUT = 256 * 1024;

/** A runbook session. Create it with `runbook()` (notebooks) or `new Session(...)` (tests, tools). */
export class Session {
  readonly params: Readonly<RunbookParams>;
  readonly loaded: LoadedParams;
  readonly mode: SessionMode;
  readonly masker: Masker;
  readonly log = new EventLog();
  readonly state: RunState;
  /** The current course step; stamped on every event. */
  step: string | undefined;
  #sink: EventSink;
  readonly #executor: Executor;
  readonly #defaultTimeoutMs: number;
  readonly #diagnoseFailure: ((result: CommandResult) => Diagnosis[]) | undefined;
  #probing = 0;

  constructor(options: SessionOptions) {
    this.loaded = options.params;
    this.params = options.params.values;
    this.mode = options.mode ?? "run";
    this.masker = options.masker ?? new Masker();
    this.#sink = options.sink ?? { emit: () => undefined };
    this.#executor = options.executor ?? localExecutor;
    this.state = options.state ?? new RunState();
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 60_000;
    this.#diagnoseFailure = options.diagnoseFailure;
  }

  /** Runs a check's probe: a command failing inside it is a failed attempt of the check, not a failed step. */
  async probe<T>(fn: () => Promise<T>): Promise<T> {
    this.#probing++;
    try {
      return await fn();
    } finally {
      this.#probing--;
    }
  }

  /**
   * Reports a command that failed the step (it is about to be thrown): a failed check naming the command, its exit
   * code and the end of its output, with the diagnoses of its output — so a failed step reads like a failed check.
   * Nothing is reported inside a check's probe (the check reports its own verdict).
   */
  reportFailure(result: CommandResult): void {
    if (result.ok || result.planned || this.#probing > 0) return;
    const tail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-8).join("\n");
    const command = result.command.split("\n")[0]!;
    this.emit({
      kind: "check",
      id: newEventId("k"),
      at: new Date().toISOString(),
      ...(result.step !== undefined ? { step: result.step } : {}),
      title: `O comando ${command.length > 120 ? `${command.slice(0, 117)}…` : command} terminou sem sucesso`,
      status: "fail",
      expected: "código de saída 0",
      received: `${result.timedOut ? "tempo esgotado" : result.exitCode === null ? `interrompido (${result.signal ?? "sinal"})` : `código ${result.exitCode}`}${tail ? `\n${tail}` : ""}`,
      attempts: 1,
      durationMs: result.durationMs,
      diagnoses: this.#diagnoseFailure?.(result) ?? [],
    });
  }

  /** Replaces where events go (the notebook display, the console…). The session's own log always records. */
  setSink(sink: EventSink): void {
    this.#sink = sink;
  }

  /** Records and forwards one event (masked). */
  emit(event: RunbookEvent): void {
    const masked = this.masker.maskDeep(event);
    this.log.emit(masked);
    this.#sink.emit(masked);
  }

  /** Tells the reader something at run time (optionally with a code block: a YAML document, a shell equivalent). */
  note(text: string, level: "info" | "warn" = "info", code?: NoteEvent["code"]): void {
    this.emit({ kind: "note", id: newEventId("n"), at: new Date().toISOString(), level, text, ...(code ? { code } : {}) });
  }

  /** Runs one command through the seam; resolves with its result, or throws that same result when it failed. */
  async run(options: RunOptions): Promise<CommandResult> {
    if (options.argv.length === 0 || !options.argv[0]) throw new Error("argv vazio");
    for (const secret of options.secrets ?? []) this.masker.addSecret(secret);
    const id = newEventId("c");
    const step = options.step ?? this.step;
    const target = options.target ?? "local";
    const exact = this.masker.mask(quoteArgv(options.argv));
    const display = this.masker.mask(this.#display(options));
    const planned = this.mode === "plan";
    this.emit({
      kind: "command",
      id,
      at: new Date().toISOString(),
      ...(step !== undefined ? { step } : {}),
      target,
      display,
      exact,
      ...(options.remote !== undefined ? { remote: this.masker.mask(options.remote) } : {}),
      planned,
    });

    const base = { id, ...(step !== undefined ? { step } : {}), target, command: display, argv: options.argv.map((a) => this.masker.mask(a)) };
    if (planned) {
      this.emit({ kind: "end", id, exitCode: 0, signal: null, durationMs: 0, timedOut: false, ok: true, planned: true });
      return new CommandResult({ ...base, exitCode: 0, signal: null, stdout: "", stderr: "", durationMs: 0, timedOut: false, planned: true });
    }

    const streams = { stdout: new LineMasker(this.masker), stderr: new LineMasker(this.masker) };
    let recorded = 0;
    const forward = (stream: "stdout" | "stderr", text: string) => {
      if (options.quiet || !text) return;
      if (recorded >= MAX_RECORDED_OUTPUT) return;
      const room = MAX_RECORDED_OUTPUT - recorded;
      const piece = text.length > room ? `${text.slice(0, room)}\n… (saída truncada)\n` : text;
      recorded += piece.length;
      this.emit({ kind: "output", id, stream, text: piece });
    };
    const outcome = await this.#executor.execute({
      argv: options.argv,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      timeoutMs: options.timeoutMs ?? this.#defaultTimeoutMs,
      onOutput: (stream, chunk) => forward(stream, streams[stream].push(chunk)),
    });
    forward("stdout", streams.stdout.flush());
    forward("stderr", streams.stderr.flush());

    const result = new CommandResult({
      ...base,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      stdout: this.masker.mask(outcome.stdout),
      stderr: this.masker.mask(outcome.stderr),
      durationMs: outcome.durationMs,
      timedOut: outcome.timedOut,
      planned: false,
      ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
    });
    this.emit({
      kind: "end",
      id,
      exitCode: result.exitCode,
      signal: result.signal,
      durationMs: result.durationMs,
      timedOut: result.timedOut,
      ok: result.ok,
      planned: false,
    });
    if (!result.ok && !options.nothrow) {
      this.reportFailure(result);
      throw result;
    }
    return result;
  }

  /** The display form of a command. */
  #display(options: RunOptions): string {
    if (options.display !== undefined) return options.display;
    const argv = options.displayArgv ?? [baseName(options.argv[0]!), ...options.argv.slice(1)];
    const line = quoteArgv(argv);
    if (options.stdinAsHeredoc && typeof options.stdin === "string") {
      const body = options.stdin.endsWith("\n") ? options.stdin : `${options.stdin}\n`;
      // Quote the delimiter when the body has shell expansions, so that copying the command sends the text verbatim.
      const delimiter = /[$`\\]/.test(body) ? "'EOF'" : "EOF";
      return `cat <<${delimiter} | ${line}\n${body}EOF`;
    }
    return line;
  }
}

const baseName = (program: string): string => program.slice(program.lastIndexOf("/") + 1);
