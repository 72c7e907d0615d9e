// Records an operation that is not a process (an API read, a watch, a server-side apply, an exec over WebSocket) in
// the session's event log as the kubectl command a student would type, with the same result shape as a process.
import { newEventId } from "../run/events.js";
import { CommandResult } from "../run/result.js";
import type { Session } from "../run/session.js";

/** What an operation produced, like a process: exit code, output, and how it ended. */
export interface OperationOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
  /** Why it could not run at all (e.g. the server was not reached). */
  cause?: string;
}

/** Live output callbacks an operation may use (each piece is masked and recorded as it arrives). */
export interface OperationOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Options of recordOperation. */
export interface RecordOperationOptions {
  session: Session;
  /** The equivalent kubectl command line, as a student would type it. */
  display: string;
  /** What really happened, e.g. "PATCH /apis/…?fieldManager=istio-em-vms (client-node)". */
  exact: string;
  /** The argv form of the equivalent command (for the result). */
  argv: readonly string[];
  step?: string;
  /** Do not stream output events (the result still has the output). */
  quiet?: boolean;
  /** Return a failed result instead of throwing it. */
  nothrow?: boolean;
  /** Runs the operation (not called in plan mode). Must not throw for expected failures: return an outcome. */
  operation: (output: OperationOutput) => Promise<OperationOutcome>;
}

/** Runs and records an operation; resolves with its CommandResult, or throws that result when it failed (unless nothrow). */
export const recordOperation = async (options: RecordOperationOptions): Promise<CommandResult> => {
  const { session } = options;
  const id = newEventId("c");
  const step = options.step ?? session.step;
  const display = session.masker.mask(options.display);
  const planned = session.mode === "plan";
  session.emit({ kind: "command", id, at: new Date().toISOString(), ...(step !== undefined ? { step } : {}), target: "local", display, exact: session.masker.mask(options.exact), planned });
  const base = { id, ...(step !== undefined ? { step } : {}), target: "local" as const, command: display, argv: options.argv.map((a) => session.masker.mask(a)) };
  if (planned) {
    session.emit({ kind: "end", id, exitCode: 0, signal: null, durationMs: 0, timedOut: false, ok: true, planned: true });
    return new CommandResult({ ...base, exitCode: 0, signal: null, stdout: "", stderr: "", durationMs: 0, timedOut: false, planned: true });
  }

  const started = performance.now();
  const forward = (stream: "stdout" | "stderr") => (text: string) => {
    if (!options.quiet && text) session.emit({ kind: "output", id, stream, text: session.masker.mask(text) });
  };
  let outcome: OperationOutcome;
  try {
    outcome = await options.operation({ stdout: forward("stdout"), stderr: forward("stderr") });
  } catch (error) {
    // An unexpected failure still ends the recorded command, so the transcript never has a command without an end.
    outcome = { exitCode: null, stdout: "", stderr: `${(error as Error).message}\n`, cause: (error as Error).message };
  }
  const durationMs = Math.round(performance.now() - started);
  const result = new CommandResult({
    ...base,
    exitCode: outcome.exitCode,
    signal: null,
    stdout: session.masker.mask(outcome.stdout),
    stderr: session.masker.mask(outcome.stderr),
    durationMs,
    timedOut: outcome.timedOut ?? false,
    planned: false,
    ...(outcome.cause !== undefined ? { cause: session.masker.mask(outcome.cause) } : {}),
  });
  session.emit({ kind: "end", id, exitCode: result.exitCode, signal: null, durationMs, timedOut: result.timedOut, ok: result.ok, planned: false });
  if (!result.ok && !options.nothrow) {
    session.reportFailure(result);
    throw result;
  }
  return result;
};
