// The execution seam's back end: runs one argv as a local process (through zx), streaming its output.
import { $, type ProcessPromise } from "zx";

/** What to run. */
export interface ProcessSpec {
  argv: readonly string[];
  cwd?: string;
  /** Variables added to (or, with `undefined`, removed from) the current environment. */
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  timeoutMs: number;
  /** Called with each chunk of output as it arrives. */
  onOutput?: (stream: "stdout" | "stderr", chunk: string) => void;
  /** Aborts the process (SIGTERM, then SIGKILL after 2 s). */
  signal?: AbortSignal;
}

/** How a process ended. */
export interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Why the process could not start or run (e.g. "comando não encontrado: kubectl"). */
  cause?: string;
}

/** Runs processes. The only implementation that spawns is `localExecutor`; tests inject fakes. */
export interface Executor {
  execute(spec: ProcessSpec): Promise<ProcessOutcome>;
}

const KILL_GRACE_MS = 2000;
/** After SIGKILL, how long to wait for the output pipes to close before giving the process up: a descendant that left
 * the process tree (a daemon it forked) can hold them open for ever, and a timeout must be a bound. */
const ABANDON_MS = 3000;

/** Sends `signal` to the process and to its descendants (zx walks the tree); never throws. */
const signalProcess = (child: ProcessPromise, signal: NodeJS.Signals): void => {
  const pid = child.pid;
  if (pid !== undefined) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  try {
    void child.kill(signal).catch(() => undefined);
  } catch {
    // settled already
  }
};

/** Runs argv locally through zx (each element is one argument: zx quotes it for its shell). */
export const localExecutor: Executor = {
  async execute(spec) {
    const [program] = spec.argv;
    if (!program) throw new Error("argv vazio");
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...spec.env })) if (v !== undefined) env[k] = v;
    const started = performance.now();
    const child = $({ nothrow: true, quiet: true, cwd: spec.cwd ?? process.cwd(), env })`${[...spec.argv]}`;
    let timedOut = false;
    let stopping = false;
    const timers: NodeJS.Timeout[] = [];
    const seen = { stdout: "", stderr: "" };
    let abandon: (why: string) => void = () => undefined;
    const abandoned = new Promise<string>((resolve) => (abandon = resolve));
    const stop = () => {
      if (stopping) return;
      stopping = true;
      signalProcess(child, "SIGTERM");
      timers.push(
        setTimeout(() => {
          signalProcess(child, "SIGKILL");
          timers.push(setTimeout(() => abandon(`o processo não fechou a saída ${Math.round(ABANDON_MS / 1000)} s depois do SIGKILL (um processo filho ainda a segura); a saída pode estar incompleta`), ABANDON_MS));
        }, KILL_GRACE_MS),
      );
    };
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, spec.timeoutMs),
    );
    const onAbort = () => stop();
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    // A process that exits without reading its stdin must not crash us (EPIPE).
    child.stdin.on("error", () => undefined);
    if (spec.stdin !== undefined) child.stdin.end(spec.stdin);
    else child.stdin.end();
    const onData = (stream: "stdout" | "stderr") => (d: Buffer) => {
      const text = d.toString("utf8");
      seen[stream] += text;
      spec.onOutput?.(stream, text);
    };
    child.stdout.on("data", onData("stdout"));
    child.stderr.on("data", onData("stderr"));
    try {
      const out = await Promise.race([child, abandoned]);
      if (typeof out === "string") {
        child.stdout.destroy();
        child.stderr.destroy();
        return { exitCode: null, signal: "SIGKILL", stdout: seen.stdout, stderr: seen.stderr, durationMs: Math.round(performance.now() - started), timedOut, cause: out };
      }
      const notFound = out.exitCode === 127 && new RegExp(`(^|: )${escapeRegExp(program)}: (command )?not found`).test(out.stderr);
      return {
        exitCode: out.exitCode,
        signal: out.signal,
        stdout: out.stdout,
        stderr: out.stderr,
        durationMs: Math.round(performance.now() - started),
        timedOut,
        ...(notFound ? { cause: `comando não encontrado: ${program}` } : {}),
      };
    } finally {
      for (const timer of timers) clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
    }
  },
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
