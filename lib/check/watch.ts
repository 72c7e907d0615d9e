// watchCheck(): like check(), but driven by a subscription (a Kubernetes watch, a log follow) instead of polling:
// it passes on the first state that meets the expectation, re-subscribes when the stream ends early (a dropped
// watch), and fails at the deadline with the last state seen.
import { formatDuration } from "../display/text.js";
import { InputError } from "../errors.js";
import type { CheckEvent } from "../run/events.js";
import type { Session } from "../run/session.js";
import type { CheckResult, DiagnoseSetting } from "./check.js";
import { diagnosesFor } from "./diagnoses.js";
import { clipText } from "./clip.js";
import type { ExpectInput, Verdict } from "./expectation.js";
import { CheckFailure } from "./failure.js";
import { openCheck, plannedCheckEvent } from "./opening.js";
import { realTime } from "./retry.js";

/**
 * A subscription: calls `onState` for every state it observes and resolves when `signal` aborts (or when the
 * stream ends on its own, which makes watchCheck subscribe again). It must stop promptly once `signal` aborts.
 */
export type Subscribe<T> = (handlers: { onState: (state: T) => void; signal: AbortSignal }) => Promise<void>;

/** Options of watchCheck(). */
export interface WatchCheckOptions<T> {
  title: string;
  subscribe: Subscribe<T>;
  expect: ExpectInput<T>;
  expected?: string;
  /** The deadline. */
  timeoutMs: number;
  /** Pause before subscribing again after the stream ended early (default 500 ms). */
  resubscribeDelayMs?: number;
  diagnose?: DiagnoseSetting;
  data?: unknown;
  step?: string;
  signal?: AbortSignal;
}

/** Adapts an async-iterable stream (one that ends when the signal aborts) to a Subscribe function. */
export const subscribeIterable =
  <T>(open: (signal: AbortSignal) => AsyncIterable<T>): Subscribe<T> =>
  async ({ onState, signal }) => {
    for await (const state of open(signal)) {
      onState(state);
      if (signal.aborted) break;
    }
  };

/**
 * Adapts a "wait until" function (such as lib/kube's watchUntil) to a Subscribe function: every state it shows to
 * `until` is observed, `until` never ends the wait itself, and the wait must stop (resolve or reject) on `signal`.
 */
export const subscribeFromWait =
  <T>(wait: (handlers: { until: (state: T) => boolean; signal: AbortSignal }) => Promise<unknown>): Subscribe<T> =>
  async ({ onState, signal }) => {
    try {
      await wait({ until: (state) => (onState(state), false), signal });
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  };

/** Waits for a matching state; resolves with it, or throws CheckFailure at the deadline (after emitting ✘). */
export const watchCheck = async <T>(session: Session, options: WatchCheckOptions<T>): Promise<CheckResult<T>> => {
  const { expectation, base } = openCheck(session, options);
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new InputError(`timeoutMs inválido (${options.timeoutMs}) na verificação "${options.title}"`, "use um prazo em milissegundos > 0", "timeoutMs");
  }
  if (session.mode === "plan") {
    const event = plannedCheckEvent(base, expectation);
    session.emit(event);
    return { status: "skip", value: undefined, verdict: undefined, event: session.masker.maskDeep(event) };
  }

  const started = performance.now();
  const stop = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    stop.abort();
  }, options.timeoutMs);
  const onOuterAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  let states = 0;
  let subscriptions = 0;
  let last: { value: T; verdict: Verdict } | undefined;
  let matched: { value: T; verdict: Verdict } | undefined;
  let lastError: string | undefined;
  const onState = (state: T) => {
    if (matched || stop.signal.aborted) return;
    states++;
    let verdict: Verdict;
    try {
      verdict = expectation.evaluate(state);
    } catch (error) {
      verdict = { ok: false, expected: expectation.expected, received: String(state), detail: (error as Error).message };
    }
    last = { value: state, verdict };
    if (verdict.ok) {
      matched = last;
      stop.abort();
    }
  };
  try {
    while (!stop.signal.aborted) {
      subscriptions++;
      try {
        await options.subscribe({ onState, signal: stop.signal });
      } catch (error) {
        if (!stop.signal.aborted) lastError = (error as Error).message;
      }
      if (stop.signal.aborted) break;
      await realTime.sleep(options.resubscribeDelayMs ?? 500, stop.signal);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }

  const passed = matched !== undefined;
  const final = matched ?? last;
  const verdict: Verdict = final?.verdict ?? {
    ok: false,
    expected: expectation.expected,
    received: lastError ? `(nenhum estado observado; erro da observação: ${lastError})` : "(nenhum estado observado)",
  };
  const detail = passed ? undefined : expired ? `prazo de ${formatDuration(options.timeoutMs)} esgotado${verdict.detail ? `; ${verdict.detail}` : ""}` : "interrompido antes de passar";
  const diagnoses = passed ? [] : diagnosesFor(session, options.diagnose, expectation, final?.value, verdict);
  const data: Record<string, unknown> = { subscriptions };
  if (verdict.data !== undefined) data["values"] = verdict.data;
  if (options.data !== undefined) data["extra"] = options.data;
  if (lastError !== undefined) data["lastError"] = lastError;
  const event: CheckEvent = {
    ...base,
    at: new Date().toISOString(),
    status: passed ? "pass" : "fail",
    expected: clipText(verdict.expected),
    received: clipText(verdict.received),
    attempts: states,
    durationMs: Math.round(performance.now() - started),
    diagnoses,
    ...(detail !== undefined ? { detail } : {}),
    data,
  };
  session.emit(event);
  const masked = session.masker.maskDeep(event);
  if (!passed) throw new CheckFailure(masked, final?.value);
  return { status: "pass", value: matched!.value, verdict: matched!.verdict, event: masked };
};
