// The service manager's verbs (start, stop, restart, enable, disable, is-active, is-enabled, status), shared by the
// `systemctl` stand-in and the VM's init (which starts the enabled units at boot).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { pidAlive, readState, writeState, journal, type UnitState } from "./state.js";
import { disableUnit, enableUnit, loadUnit, unitName, type Unit } from "./units.js";

/** Where a verb writes (stdout/stderr of the CLI, or the init's log). */
export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The current state of a unit, treating a dead supervisor as not running. */
export const currentState = (name: string): UnitState | undefined => {
  const state = readState(name);
  if (!state) return undefined;
  const live = pidAlive(state.supervisorPid);
  if (!live && (state.activeState === "active" || state.activeState === "activating" || state.activeState === "deactivating")) {
    return { ...state, activeState: "failed", subState: "failed", result: "signal", mainPid: undefined };
  }
  return state;
};

/** True when `unit`'s start conditions hold (ConditionPathExists=, with `!` negation and `|` ignored). */
const conditionsMet = (unit: Unit): string | undefined => {
  for (const raw of unit.conditionPathExists) {
    const spec = raw.replace(/^\|/, "");
    const negate = spec.startsWith("!");
    const file = negate ? spec.slice(1) : spec;
    if (existsSync(file) === negate) return `ConditionPathExists=${raw}`;
  }
  return undefined;
};

/** Program that runs supervisors: this same bundle, with LAB_SYSTEMD_SUPERVISE set. */
const supervisorCommand = (): { file: string; args: string[] } => ({ file: process.execPath, args: [process.env["LAB_SYSTEMCTL_BUNDLE"] ?? "/opt/lab/guest/systemctl.mjs"] });

/** How long a start or stop job may take (systemd's DefaultTimeoutStartSec and DefaultTimeoutStopSec, 90 s). */
const START_TIMEOUT_MS = 90_000;

/** Starts a unit (no-op when already running); resolves to systemctl's exit code. */
export const startUnit = async (arg: string, io: Output): Promise<number> => {
  const name = unitName(arg);
  const unit = loadUnit(name);
  if (!unit) {
    io.err(`Failed to start ${name}: Unit ${name} not found.`);
    return 5;
  }
  const state = currentState(unit.name);
  if (state && pidAlive(state.supervisorPid) && state.activeState !== "inactive" && state.activeState !== "failed") return 0;
  const unmet = conditionsMet(unit);
  if (unmet) {
    journal(unit.name, "systemd", 1, `${unit.name} - ${unit.description} was skipped because of an unmet condition check (${unmet}).`);
    writeState(unit.name, { activeState: "inactive", subState: "dead", result: "success", since: new Date().toISOString(), processes: [], restarts: 0 });
    return 0;
  }
  const { file, args } = supervisorCommand();
  const child = spawn(file, args, { detached: true, stdio: "ignore", env: { ...process.env, LAB_SYSTEMD_SUPERVISE: unit.name } });
  const pid = child.pid;
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    await sleep(20);
    if (Date.now() > deadline) {
      // systemd's DefaultTimeoutStartSec: the job fails and the unit is stopped.
      if (pid && pidAlive(pid)) process.kill(pid, "SIGTERM");
      io.err(`Job for ${unit.name} failed because a timeout was exceeded.`);
      io.err(`See "systemctl status ${unit.name}" and "journalctl -xeu ${unit.name}" for details.`);
      return 1;
    }
    const s = readState(unit.name);
    const mine = s?.supervisorPid === pid;
    if (mine && s) {
      const settled =
        (s.activeState === "active") ||
        s.activeState === "failed" ||
        (s.activeState === "inactive" && s.subState === "dead") ||
        (s.activeState === "activating" && s.subState === "auto-restart");
      if (settled) {
        if (s.activeState === "failed" || (unit.type === "oneshot" && s.activeState === "activating")) {
          io.err(`Job for ${unit.name} failed because the control process exited with error code.`);
          io.err(`See "systemctl status ${unit.name}" and "journalctl -xeu ${unit.name}" for details.`);
          return 1;
        }
        if (s.activeState === "activating" && s.subState === "auto-restart" && s.processes.some((p) => p.kind === "ExecStartPre" && p.status !== "0/SUCCESS")) {
          io.err(`Job for ${unit.name} failed because the control process exited with error code.`);
          io.err(`See "systemctl status ${unit.name}" and "journalctl -xeu ${unit.name}" for details.`);
          return 1;
        }
        return 0;
      }
    }
    if (!pidAlive(pid)) {
      const after = readState(unit.name);
      if (after?.supervisorPid === pid && after?.activeState === "inactive") return 0;
      io.err(`Job for ${unit.name} failed because the control process exited with error code.`);
      io.err(`See "systemctl status ${unit.name}" and "journalctl -xeu ${unit.name}" for details.`);
      return 1;
    }
  }
};

/** Stops a unit and waits until its supervisor is gone; resolves to systemctl's exit code. */
export const stopUnit = async (arg: string, io: Output): Promise<number> => {
  const name = unitName(arg);
  const unit = loadUnit(name);
  const state = readState(unit?.name ?? name);
  if (!unit && !state) {
    io.err(`Failed to stop ${name}: Unit ${name} not loaded.`);
    return 5;
  }
  const supervisor = state?.supervisorPid;
  if (supervisor && pidAlive(supervisor)) {
    process.kill(supervisor, "SIGTERM");
    // systemd's DefaultTimeoutStopSec: after 90 s the supervisor is killed.
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (pidAlive(supervisor)) {
      if (Date.now() > deadline) process.kill(supervisor, "SIGKILL");
      await sleep(20);
    }
  }
  const after = readState(unit?.name ?? name);
  if (after && after.activeState !== "inactive" && after.activeState !== "failed") {
    writeState(unit?.name ?? name, { ...after, activeState: "inactive", subState: "dead", since: new Date().toISOString(), mainPid: undefined });
  }
  return 0;
};

/** `systemctl enable [--now]`: creates the symlinks and prints them like systemd. */
export const enable = async (arg: string, io: Output, { now = false } = {}): Promise<number> => {
  const name = unitName(arg);
  const unit = loadUnit(name);
  if (!unit) {
    io.err(`Failed to enable unit: Unit file ${name} does not exist.`);
    return 1;
  }
  const arrow = /utf-?8/i.test(`${process.env["LC_ALL"] ?? ""}${process.env["LC_CTYPE"] ?? ""}${process.env["LANG"] ?? ""}`) ? "→" : "->";
  if (!unit.hasInstallSection) {
    io.err(
      [
        `The unit files have no installation config (WantedBy=, RequiredBy=, Also=,`,
        `Alias= settings in the [Install] section, and DefaultInstance= for template`,
        `units). This means they are not meant to be enabled or disabled using systemctl.`,
      ].join("\n"),
    );
  }
  for (const [link, target] of enableUnit(unit)) io.err(`Created symlink ${link} ${arrow} ${target}.`);
  return now ? startUnit(unit.name, io) : 0;
};

/** `systemctl disable [--now]`: removes the symlinks and prints them like systemd. */
export const disable = async (arg: string, io: Output, { now = false } = {}): Promise<number> => {
  const name = unitName(arg);
  const unit = loadUnit(name);
  if (!unit) {
    io.err(`Failed to disable unit: Unit file ${name} does not exist.`);
    return 1;
  }
  for (const link of disableUnit(unit)) io.err(`Removed "${link}".`);
  return now ? stopUnit(unit.name, io) : 0;
};
