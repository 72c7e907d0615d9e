// The execution seam's back end: runs one argv as a local process (through zx), streaming its output.
import { $ } from "zx";

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
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      void child.kill("SIGTERM").catch(() => undefined);
      killTimer = setTimeout(() => void child.kill("SIGKILL").catch(() => undefined), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, spec.timeoutMs);
    const onAbort = () => stop();
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    // A process that exits without reading its stdin must not crash us (EPIPE).
    child.stdin.on("error", () => undefined);
    if (spec.stdin !== undefined) child.stdin.end(spec.stdin);
    else child.stdin.end();
    child.stdout.on("data", (d: Buffer) => spec.onOutput?.("stdout", d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => spec.onOutput?.("stderr", d.toString("utf8")));
    try {
      const out = await child;
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
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      spec.signal?.removeEventListener("abort", onAbort);
    }
  },
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
