// The run's state on disk (.state/state.json): the parameters a run chose and values later cells need, so that any
// cell works after a kernel restart.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../project.js";
import type { ParamName } from "./schema.js";

/** What is persisted. */
export interface RunStateData {
  version: 1;
  /** Explicit parameter overrides given by a cell or the runner; re-applied on every load. */
  overrides: Partial<Record<ParamName, string>>;
  /** Values discovered at run time (e.g. the east-west gateway address, snapshots for cleanup). */
  values: Record<string, unknown>;
}

/** Path of the state file (in `<project>/.state/` or `$RUNBOOK_STATE_DIR`). */
export const stateFile = (root = projectRoot()): string =>
  path.join(process.env["RUNBOOK_STATE_DIR"] ?? path.join(root, ".state"), "state.json");

/** Reads the state (an empty one when there is none). */
export const readState = (file = stateFile()): RunStateData => {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as RunStateData;
    if (data.version !== 1) throw new Error("unknown version");
    return { version: 1, overrides: data.overrides ?? {}, values: data.values ?? {} };
  } catch {
    return { version: 1, overrides: {}, values: {} };
  }
};

/** Writes the state atomically (mode 0600: it may hold addresses and paths, never secrets). */
export const writeState = (data: RunStateData, file = stateFile()): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
};

/** A handle on the persisted run state: values survive kernel restarts. */
export class RunState {
  constructor(readonly file = stateFile()) {}
  /** A value saved by an earlier cell, or undefined. */
  get<T = unknown>(key: string): T | undefined {
    return readState(this.file).values[key] as T | undefined;
  }
  /** Saves a value for later cells. */
  set(key: string, value: unknown): void {
    const data = readState(this.file);
    data.values[key] = value;
    writeState(data, this.file);
  }
  /** Forgets a value. */
  delete(key: string): void {
    const data = readState(this.file);
    delete data.values[key];
    writeState(data, this.file);
  }
  /** The persisted explicit overrides. */
  overrides(): Partial<Record<ParamName, string>> {
    return readState(this.file).overrides;
  }
  /** Merges explicit overrides into the persisted ones. */
  saveOverrides(overrides: Partial<Record<ParamName, string>>): void {
    const data = readState(this.file);
    data.overrides = { ...data.overrides, ...overrides };
    writeState(data, this.file);
  }
  /** Forgets everything (a fresh run). */
  reset(): void {
    writeState({ version: 1, overrides: {}, values: {} }, this.file);
  }
}
