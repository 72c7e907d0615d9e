// The supervisor of one started unit (one process per unit, like systemd's per-service bookkeeping): runs
// ExecStartPre=, ExecStart=, restarts per Restart=/RestartSec=, runs ExecStopPost=, and records the unit's state.
// SIGTERM means `systemctl stop`.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chmodSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { descendants, exitStatusText, isListening, lookupGroup, lookupUser } from "./processes.js";
import { journal, readState, writeState, type ProcessOutcome, type UnitState } from "./state.js";
import { parseEnvironmentAssignments, parseEnvironmentFile, splitCommandLine, type ExecCommand } from "./unit-file.js";
import type { Unit } from "./units.js";

/** PATH systemd gives services. */
export const SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** How a process ended. */
interface Exit {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The environment and credentials a unit's processes run with. */
const execContext = (unit: Unit) => {
  const env: Record<string, string> = { PATH: SERVICE_PATH, LANG: "C.UTF-8" };
  for (const spec of unit.environmentFiles) {
    const optional = spec.startsWith("-");
    const file = optional ? spec.slice(1) : spec;
    try {
      Object.assign(env, parseEnvironmentFile(readFileSync(file, "utf8")));
    } catch (error) {
      if (!optional) throw new Error(`Failed to load environment files: ${(error as Error).message}`);
    }
  }
  Object.assign(env, parseEnvironmentAssignments(unit.environment));
  const account = unit.user ? lookupUser(unit.user) : undefined;
  if (unit.user && !account) throw new Error(`Failed to determine user credentials: No such process`);
  if (account) Object.assign(env, { HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell });
  const gid = unit.group ? lookupGroup(unit.group) : account?.gid;
  let cwd = "/";
  if (unit.workingDirectory) {
    const optional = unit.workingDirectory.startsWith("-");
    const dir = (optional ? unit.workingDirectory.slice(1) : unit.workingDirectory).replace(/^~/, account?.home ?? "/root");
    if (existsSync(dir)) cwd = dir;
    else if (!optional) throw new Error(`Changing to the requested working directory failed: No such file or directory`);
  }
  return { env, uid: account?.uid, gid, cwd };
};

/** Resolves argv[0] like execvp with the service PATH; undefined when not found or not executable. */
const resolveExecutable = (file: string): string | undefined => {
  const candidates = file.includes("/") ? [file] : SERVICE_PATH.split(":").map((d) => path.join(d, file));
  return candidates.find((c) => {
    try {
      accessSync(c, fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
};

/** Runs one supervised unit until it is stopped or gives up. */
export class Supervisor {
  private stopping = false;
  private main: ChildProcess | undefined;
  private wake: (() => void) | undefined;
  /** The stop in progress (SIGTERM, then SIGKILL after TimeoutStopSec), awaited once the main process is gone. */
  private killing: Promise<void> | undefined;
  private readonly starts: number[] = [];
  private state: UnitState;

  constructor(private readonly unit: Unit) {
    this.state = readState(unit.name) ?? { activeState: "inactive", subState: "dead", result: "success", since: new Date().toISOString(), processes: [], restarts: 0 };
    this.state = { ...this.state, supervisorPid: process.pid, processes: [], mainPid: undefined };
  }

  private set(patch: Partial<UnitState>): void {
    const changes = patch.activeState && patch.activeState !== this.state.activeState ? { since: new Date().toISOString() } : {};
    this.state = { ...this.state, ...changes, ...patch };
    writeState(this.unit.name, this.state);
  }

  private log(message: string): void {
    journal(this.unit.name, "systemd", 1, message);
  }

  /** Called on SIGTERM: stop the main process and finish. */
  requestStop(): void {
    this.stopping = true;
    this.wake?.();
    if (this.main?.pid) this.killing ??= this.kill(this.main.pid);
  }

  private async kill(pid: number): Promise<void> {
    if (this.unit.killMode === "none") return;
    const everyone = [pid, ...descendants(pid).map((d) => d.pid)];
    const send = (pids: number[], sig: NodeJS.Signals) => {
      for (const p of pids) {
        try {
          process.kill(p, sig);
        } catch {
          // gone
        }
      }
    };
    this.set({ activeState: "deactivating", subState: "stop-sigterm" });
    // control-group: every process gets SIGTERM; process and mixed: only the main process.
    send(this.unit.killMode === "control-group" ? everyone : [pid], "SIGTERM");
    const deadline = Date.now() + this.unit.timeoutStopSec;
    const running = () => this.main?.exitCode === null && this.main.signalCode === null;
    while (running() && Date.now() < deadline) await sleep(50);
    if (running()) {
      this.log(`${this.unit.name}: State 'stop-sigterm' timed out. Killing.`);
      send(this.unit.killMode === "process" ? [pid] : everyone, "SIGKILL");
    } else if (this.unit.killMode !== "process") {
      send(everyone.filter((p) => p !== pid), "SIGKILL");
    }
  }

  /** Type=notify: stays "activating (start)" until the service listens (its READY=1), it exits, or 90 s pass. */
  private async waitUntilReady(child: ChildProcess): Promise<void> {
    this.set({ activeState: "activating", subState: "start", mainPid: child.pid });
    const deadline = Date.now() + 90_000;
    while (child.exitCode === null && child.signalCode === null && !this.stopping && Date.now() < deadline) {
      if (isListening(child.pid!)) return;
      await sleep(25);
    }
  }

  /** Starts argv of an Exec line with the unit's context; output goes to the journal. */
  private launch(command: ExecCommand, ctx: ReturnType<typeof execContext>): ChildProcess | Exit {
    const words = command.noSubstitution ? splitCommandLine(command.line, {}, this.unit.name) : splitCommandLine(command.line, ctx.env, this.unit.name);
    const [file, ...rest] = words;
    const executable = file ? resolveExecutable(file) : undefined;
    if (!file || !executable) {
      this.log(`${this.unit.name}: Failed to locate executable ${file ?? ""}: No such file or directory`);
      this.log(`${this.unit.name}: Failed at step EXEC spawning ${file ?? ""}: No such file or directory`);
      return { pid: 0, code: 203, signal: null };
    }
    const argv0 = command.customArgv0 ? rest.shift() ?? file : file;
    const privileged = command.privileged;
    const child = spawn(executable, rest, {
      argv0,
      cwd: ctx.cwd,
      env: ctx.env,
      uid: privileged ? undefined : ctx.uid,
      gid: privileged ? undefined : ctx.gid,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const identifier = path.basename(file);
    const forward = (stream: NodeJS.ReadableStream | null) => {
      let pending = "";
      stream?.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) journal(this.unit.name, identifier, child.pid ?? 0, line);
      });
      stream?.on("end", () => {
        if (pending) journal(this.unit.name, identifier, child.pid ?? 0, pending);
      });
    };
    forward(child.stdout);
    forward(child.stderr);
    return child;
  }

  private async wait(child: ChildProcess | Exit): Promise<Exit> {
    if (!("once" in child)) return child;
    const pid = child.pid ?? 0;
    if (child.exitCode !== null || child.signalCode !== null) return { pid, code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null };
    const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
    return { pid, code, signal };
  }

  /** Runs helper commands in order; returns the failing exit (unless prefixed with `-`), or undefined. */
  private async runHelpers(kind: string, commands: ExecCommand[], ctx: ReturnType<typeof execContext>): Promise<Exit | undefined> {
    for (const command of commands) {
      const exit = await this.wait(this.launch(command, ctx));
      const outcome: ProcessOutcome = { kind, raw: command.line, pid: exit.pid, code: exit.signal ? "killed" : "exited", status: exitStatusText(exit.code, exit.signal) };
      this.set({ processes: [...this.state.processes.filter((p) => p.kind !== kind || p.raw !== command.line), outcome] });
      const failed = exit.signal !== null || exit.code !== 0;
      if (failed && !command.ignoreFailure) return exit;
    }
    return undefined;
  }

  private isCleanExit(exit: Exit): boolean {
    if (exit.signal) return ["SIGHUP", "SIGINT", "SIGTERM", "SIGPIPE"].includes(exit.signal) && this.unit.type !== "oneshot";
    return exit.code === 0;
  }

  private shouldRestart(exit: Exit | undefined, clean: boolean): boolean {
    if (this.stopping) return false;
    if (exit?.code !== undefined && exit.code !== null && this.unit.restartPreventExitStatus.includes(exit.code)) return false;
    switch (this.unit.restart) {
      case "always":
        return true;
      case "on-failure":
        return !clean;
      case "on-success":
        return clean;
      case "on-abnormal":
      case "on-abort":
        return !!exit?.signal && !clean;
      default:
        return false;
    }
  }

  private runtimeDirs(create: boolean): void {
    for (const dir of this.unit.runtimeDirectory) {
      const full = path.join("/run", dir);
      if (create) {
        mkdirSync(full, { recursive: true });
        chmodSync(full, this.unit.runtimeDirectoryMode);
      } else rmSync(full, { recursive: true, force: true });
    }
  }

  /** Runs the unit's life cycle; resolves when the supervisor should exit. */
  async run(): Promise<void> {
    const label = `${this.unit.name} - ${this.unit.description}`;
    for (;;) {
      const now = Date.now();
      this.starts.push(now);
      while (this.starts.length && this.starts[0]! < now - this.unit.startLimitIntervalSec) this.starts.shift();
      if (this.unit.startLimitIntervalSec > 0 && this.starts.length > this.unit.startLimitBurst) {
        this.log(`${this.unit.name}: Start request repeated too quickly.`);
        this.log(`${this.unit.name}: Failed with result 'start-limit-hit'.`);
        this.log(`Failed to start ${label}.`);
        this.set({ activeState: "failed", subState: "failed", result: "start-limit-hit", mainPid: undefined });
        return;
      }
      this.log(`Starting ${label}...`);
      let ctx: ReturnType<typeof execContext>;
      try {
        ctx = execContext(this.unit);
      } catch (error) {
        this.log(`${this.unit.name}: ${(error as Error).message}`);
        this.log(`${this.unit.name}: Failed with result 'resources'.`);
        this.set({ activeState: "failed", subState: "failed", result: "resources" });
        return;
      }
      this.runtimeDirs(true);
      this.set({ activeState: "activating", subState: "start-pre", result: "success", processes: [] });
      const preFailure = await this.runHelpers("ExecStartPre", this.unit.execStartPre, ctx);
      if (this.stopping) {
        this.finish(label, "success");
        return;
      }
      let exit: Exit | undefined;
      let clean: boolean;
      if (preFailure) {
        exit = preFailure;
        clean = false;
        this.log(`${this.unit.name}: Control process exited, code=${preFailure.signal ? "killed" : "exited"}, status=${exitStatusText(preFailure.code, preFailure.signal)}`);
      } else if (this.unit.type === "oneshot") {
        this.set({ activeState: "activating", subState: "start" });
        exit = await this.runHelpers("ExecStart", this.unit.execStart, ctx);
        clean = exit === undefined;
        if (clean && this.unit.remainAfterExit) {
          this.set({ activeState: "active", subState: "exited" });
          this.log(`Finished ${label}.`);
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      } else {
        const command = this.unit.execStart[0];
        if (!command) {
          this.log(`${this.unit.name}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`);
          this.set({ activeState: "failed", subState: "failed", result: "resources" });
          return;
        }
        const child = this.launch(command, ctx);
        if ("once" in child) {
          this.main = child;
          if (this.unit.type === "notify" && child.pid) await this.waitUntilReady(child);
          this.set({ activeState: "active", subState: "running", mainPid: child.pid });
          this.log(`Started ${label}.`);
          if (this.stopping && child.pid) this.killing ??= this.kill(child.pid);
        }
        exit = await this.wait(child);
        await this.killing;
        this.main = undefined;
        this.set({ lastMain: { kind: "Main", raw: command.line, pid: exit.pid, code: exit.signal ? "killed" : "exited", status: exitStatusText(exit.code, exit.signal) } });
        clean = this.isCleanExit(exit) || this.stopping;
        if (!this.stopping) {
          this.log(`${this.unit.name}: Main process exited, code=${exit.signal ? "killed" : "exited"}, status=${exitStatusText(exit.code, exit.signal)}`);
        }
      }
      const result: UnitState["result"] = clean ? "success" : exit?.signal ? "signal" : "exit-code";
      if (!clean) this.log(`${this.unit.name}: Failed with result '${result}'.`);
      this.set({ activeState: this.stopping ? "deactivating" : this.state.activeState, subState: "stop-post", mainPid: undefined });
      await this.runHelpers("ExecStopPost", this.unit.execStopPost, {
        ...ctx,
        env: { ...ctx.env, SERVICE_RESULT: result, EXIT_CODE: exit?.signal ? "killed" : "exited", EXIT_STATUS: exit ? String(exit.signal ?? exit.code) : "0" },
      });
      if (this.shouldRestart(exit, clean)) {
        this.set({ activeState: "activating", subState: "auto-restart", result, restarts: this.state.restarts + 1 });
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.unit.restartSec);
        });
        this.wake = undefined;
        if (this.stopping) {
          this.finish(label, result);
          return;
        }
        this.log(`${this.unit.name}: Scheduled restart job, restart counter is at ${this.state.restarts}.`);
        this.log(`Stopped ${label}.`);
        continue;
      }
      this.finish(label, result, clean);
      return;
    }
  }

  private finish(label: string, result: UnitState["result"], clean = true): void {
    this.runtimeDirs(false);
    if (this.stopping) {
      this.log(`${this.unit.name}: Deactivated successfully.`);
      this.log(`Stopped ${label}.`);
      this.set({ activeState: "inactive", subState: "dead", result: "success", mainPid: undefined });
    } else if (clean) {
      if (this.unit.type !== "oneshot") this.log(`${this.unit.name}: Deactivated successfully.`);
      else this.log(`Finished ${label}.`);
      this.set({ activeState: "inactive", subState: "dead", result: "success", mainPid: undefined });
    } else {
      if (this.unit.type === "oneshot") this.log(`Failed to start ${label}.`);
      this.set({ activeState: "failed", subState: "failed", result, mainPid: undefined });
    }
  }
}
