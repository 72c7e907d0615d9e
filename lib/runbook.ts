// The entry point a notebook cell calls: returns the session for this kernel, rebuilt from the parameters and the
// persisted run state, so that every cell works on its own and after a kernel restart.
import { ConsoleSink } from "./display/console.js";
import { NotebookSink, inTslabKernel } from "./display/notebook.js";
import { loadParams, type LoadParamsOptions } from "./params/load.js";
import type { ParamName } from "./params/schema.js";
import { RunState } from "./params/state.js";
import { Session, type SessionMode } from "./run/session.js";

/** Options of runbook(). */
export interface RunbookOptions {
  /** The course step the next commands belong to (a section title of the chapter). */
  step?: string;
  /** Explicit parameter values; validated, then persisted for later cells. */
  overrides?: Partial<Record<ParamName, string>>;
  /** Parameters file (default: $RUNBOOK_PARAMS, runbook.env, or the offline lab's). */
  file?: string;
  /** "plan" records commands without running them (default: $RUNBOOK_MODE or "run"). */
  mode?: SessionMode;
}

let current: Session | undefined;
let currentKey = "";

/** Returns the runbook session (creating or refreshing it). Throws ParamsError, changing nothing, on bad parameters. */
export const runbook = (options: RunbookOptions | string = {}): Session => {
  const opts: RunbookOptions = typeof options === "string" ? { step: options } : options;
  const state = new RunState();
  const overrides = { ...state.overrides(), ...opts.overrides };
  const loadOptions: LoadParamsOptions = { overrides, ...(opts.file !== undefined ? { file: opts.file } : {}) };
  const loaded = loadParams(loadOptions);
  if (opts.overrides && Object.keys(opts.overrides).length) state.saveOverrides(opts.overrides);
  const mode: SessionMode = opts.mode ?? (process.env["RUNBOOK_MODE"] === "plan" ? "plan" : "run");
  const key = JSON.stringify([loaded.values, mode]);
  if (!current || key !== currentKey) {
    current = new Session({ params: loaded, mode, state, sink: inTslabKernel() ? new NotebookSink() : new ConsoleSink() });
    currentKey = key;
  }
  current.step = opts.step;
  return current;
};

/** Forgets the in-memory session (the next runbook() call rebuilds it); the persisted state is kept. */
export const resetRunbookSession = (): void => {
  current = undefined;
  currentKey = "";
};
