// Retrying a check until a deadline: fixed or growing intervals, the last attempt at the deadline, and optionally
// N consecutive successes (a flapping answer does not pass). Time is injected so the loop is testable.
import { InputError } from "../errors.js";

/** How a check is retried. */
export interface RetryPolicy {
  /** Give up after this long (the last attempt starts at the deadline at the latest). */
  timeoutMs: number;
  /** Pause between attempts (default 1000 ms). */
  intervalMs?: number;
  /** Multiplies the pause after each attempt (default 1 = fixed; 2 = exponential). */
  backoff?: number;
  /** Upper bound of the pause (default 30 s). */
  maxIntervalMs?: number;
  /** Successes in a row needed to pass (default 1). */
  consecutive?: number;
}

/** A validated policy with defaults. */
export type NormalizedRetry = Required<RetryPolicy>;

/** Validates a retry policy (InputError in Portuguese); undefined = one attempt. */
export const normalizeRetry = (policy: RetryPolicy | undefined): NormalizedRetry => {
  if (policy === undefined) return { timeoutMs: 0, intervalMs: 1000, backoff: 1, maxIntervalMs: 30_000, consecutive: 1 };
  const p: NormalizedRetry = { intervalMs: 1000, backoff: 1, maxIntervalMs: 30_000, consecutive: 1, ...policy };
  const bad = (field: string, problem: string, fix: string) => new InputError(`retry.${field} ${problem}`, fix, `retry.${field}`);
  if (!Number.isFinite(p.timeoutMs) || p.timeoutMs < 0) throw bad("timeoutMs", `inválido (${p.timeoutMs})`, "use um número de milissegundos ≥ 0, por exemplo 60000");
  if (!Number.isFinite(p.intervalMs) || p.intervalMs <= 0) throw bad("intervalMs", `inválido (${p.intervalMs})`, "use um intervalo em milissegundos > 0, por exemplo 1000");
  if (!Number.isFinite(p.backoff) || p.backoff < 1) throw bad("backoff", `inválido (${p.backoff})`, "use 1 (intervalo fixo) ou mais (intervalo crescente)");
  if (!Number.isFinite(p.maxIntervalMs) || p.maxIntervalMs < p.intervalMs) throw bad("maxIntervalMs", `menor que intervalMs (${p.maxIntervalMs})`, "use um valor ≥ intervalMs");
  if (!Number.isInteger(p.consecutive) || p.consecutive < 1) throw bad("consecutive", `inválido (${p.consecutive})`, "use um inteiro ≥ 1");
  if (p.consecutive > 1 && p.timeoutMs === 0) throw bad("timeoutMs", "é 0, mas consecutive pede várias tentativas", "defina retry.timeoutMs para dar tempo às tentativas");
  return p;
};

/** One attempt's outcome. */
export interface AttemptResult<R> {
  ok: boolean;
  value: R;
}

/** Information passed to each attempt. */
export interface AttemptInfo {
  /** 1-based attempt number. */
  attempt: number;
  /** Time left before the deadline (0 for the last or only attempt). */
  remainingMs: number;
}

/** How the retry loop ended. */
export interface RetryOutcome<R> {
  ok: boolean;
  last: R;
  attempts: number;
  /** Successes in a row at the end. */
  streak: number;
  durationMs: number;
  /** True when the signal stopped the loop. */
  interrupted: boolean;
}

/** The loop's clock and pause (real ones by default). */
export interface RetryTime {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time: performance.now and an abortable timer. */
export const realTime: RetryTime = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** Runs `attempt` until it succeeds `consecutive` times in a row or the deadline passes. */
export const retryUntil = async <R>(options: {
  attempt: (info: AttemptInfo) => Promise<AttemptResult<R>>;
  policy: NormalizedRetry;
  signal?: AbortSignal;
  time?: RetryTime;
}): Promise<RetryOutcome<R>> => {
  const { policy, signal } = options;
  const time = options.time ?? realTime;
  const started = time.now();
  let attempts = 0;
  let streak = 0;
  let interval = policy.intervalMs;
  for (;;) {
    attempts++;
    const elapsed = time.now() - started;
    const result = await options.attempt({ attempt: attempts, remainingMs: Math.max(0, policy.timeoutMs - elapsed) });
    streak = result.ok ? streak + 1 : 0;
    const end = (ok: boolean, interrupted = false): RetryOutcome<R> => ({ ok, last: result.value, attempts, streak, durationMs: Math.round(time.now() - started), interrupted });
    if (streak >= policy.consecutive) return end(true);
    if (signal?.aborted) return end(false, true);
    const left = policy.timeoutMs - (time.now() - started);
    if (left <= 0) return end(false);
    await time.sleep(Math.min(interval, left), signal);
    if (signal?.aborted) return end(false, true);
    interval = Math.min(interval * policy.backoff, policy.maxIntervalMs);
  }
};
