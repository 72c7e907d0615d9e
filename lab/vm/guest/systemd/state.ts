// Runtime state of the service manager, kept under /run (a tmpfs): a reboot forgets which units were started, while
// enablement (symlinks under /etc) survives on the disk.
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/** Folder of the runtime state. */
export const STATE_DIR = "/run/lab-systemd";

/** One finished helper process (ExecStartPre=, ExecStopPost=) as `status` lists it. */
export interface ProcessOutcome {
  kind: string;
  raw: string;
  pid: number;
  code: "exited" | "killed";
  status: string;
}

/** What is known about a started unit. */
export interface UnitState {
  activeState: "active" | "activating" | "deactivating" | "inactive" | "failed";
  subState: string;
  result: "success" | "exit-code" | "signal" | "start-limit-hit" | "timeout" | "resources";
  /** When the current state was entered (ISO). */
  since: string;
  supervisorPid?: number;
  mainPid?: number;
  processes: ProcessOutcome[];
  /** How the last main process ended (for `Main PID: 124 (code=exited, status=1/FAILURE)`). */
  lastMain?: ProcessOutcome;
  restarts: number;
}

const statePath = (unit: string, root: string) => path.join(root, STATE_DIR, "units", `${unit}.json`);
/** Path of the unit's journal (what its processes printed, and the manager's lines about it). */
export const journalPath = (unit: string, root = "/"): string => path.join(root, STATE_DIR, "journal", `${unit}.log`);

/** Reads a unit's state (undefined: never started since boot). */
export const readState = (unit: string, root = "/"): UnitState | undefined => {
  try {
    return JSON.parse(readFileSync(statePath(unit, root), "utf8")) as UnitState;
  } catch {
    return undefined;
  }
};

/** Atomically replaces a unit's state. */
export const writeState = (unit: string, state: UnitState, root = "/"): void => {
  const file = statePath(unit, root);
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, file);
};

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Journal-style timestamp (`Nov 25 15:18:00`), local time. */
export const journalTime = (d: Date = new Date()): string =>
  `${months[d.getMonth()]} ${String(d.getDate()).padStart(2, "0")} ${[d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":")}`;

/** Appends a journal line for `unit` from `identifier[pid]`. */
export const journal = (unit: string, identifier: string, pid: number, message: string, root = "/"): void => {
  const file = journalPath(unit, root);
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${journalTime()} ${hostname()} ${identifier}[${pid}]: ${message}\n`);
};

/** The last `n` journal lines of a unit. */
export const journalTail = (unit: string, n = 10, root = "/"): string[] => {
  try {
    return readFileSync(journalPath(unit, root), "utf8").split("\n").filter(Boolean).slice(-n);
  } catch {
    return [];
  }
};

/** True when `pid` is a live (non-zombie) process. */
export const pidAlive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
};
