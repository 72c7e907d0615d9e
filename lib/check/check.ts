// check(): runs a probe, compares what came back with an expectation (retrying until a deadline when asked),
// emits a ✔/✘ check event with expected vs received and diagnoses, and throws CheckFailure when it fails.
import { inspect } from "node:util";
import type { DiagnoseOptions } from "../diagnose/diagnose.js";
import type { DiagnoseContext, DiagnoseInput } from "../diagnose/types.js";
import { InputError } from "../errors.js";
import { isCommandOutput, textOf } from "../parse/text.js";
import type { CheckEvent, Diagnosis } from "../run/events.js";
import type { Session } from "../run/session.js";
import { clipText } from "./clip.js";
import { diagnosesFor } from "./diagnoses.js";
import { receivedText, type ExpectInput, type Expectation, type Verdict } from "./expectation.js";
import { CheckFailure } from "./failure.js";
import { openCheck, plannedCheckEvent } from "./opening.js";
import { normalizeRetry, retryUntil, type AttemptInfo, type RetryPolicy } from "./retry.js";

/** How diagnoses are made for a failed check: on (default), off, with more context or signatures, or custom. */
export type DiagnoseSetting =
  | boolean
  | ({ context?: DiagnoseContext } & DiagnoseOptions)
  | ((input: DiagnoseInput) => Diagnosis[]);

/** Options of check(). */
export interface CheckOptions<T> {
  /** What is checked, for the student (Portuguese), e.g. "A VM responde ao ping". */
  title: string;
  /** Produces the received value (usually runs a command through the session). A thrown command result is received as is. */
  run: (attempt: AttemptInfo & { signal?: AbortSignal }) => Promise<T> | T;
  /** A matcher ({ kind: "contains", expected }), a structured Expectation, or a predicate. */
  expect: ExpectInput<T>;
  /** Describes a predicate's expectation for the reader. */
  expected?: string;
  /** Retry until a deadline; `consecutive` successes in a row when asked. Without it: one attempt. */
  retry?: RetryPolicy;
  /** Diagnoses under a failure (default true: the built-in signatures with the session's parameters as context). */
  diagnose?: DiagnoseSetting;
  /** Extra machine-readable data recorded with the check. */
  data?: unknown;
  step?: string;
  /** Stops retrying (the check fails as interrupted). */
  signal?: AbortSignal;
}

/** A passed (or, in plan mode, skipped) check. */
export interface CheckResult<T> {
  status: "pass" | "skip";
  /** The received value that passed (undefined in plan mode). */
  value: T | undefined;
  /** The passing verdict (its `data` holds parsed values such as an address). */
  verdict: Verdict | undefined;
  event: CheckEvent;
}

/** What one attempt produced. */
interface Attempt<T> {
  value: T | unknown;
  verdict: Verdict;
}

/** Runs a check; resolves when it passes, throws CheckFailure (after emitting the ✘ event) when it fails. */
export const check = async <T>(session: Session, options: CheckOptions<T>): Promise<CheckResult<T>> => {
  const { expectation, base } = openCheck(session, options);
  if (typeof options.run !== "function") throw new InputError(`a verificação "${options.title}" não tem run`, "passe run: uma função que produz o valor a verificar");
  const policy = normalizeRetry(options.retry);

  if (session.mode === "plan") {
    const event = plannedCheckEvent(base, expectation, dataOf(undefined, options.data, options.retry));
    session.emit(event);
    return quiet({ status: "skip", value: undefined, verdict: undefined, event: session.masker.maskDeep(event) });
  }

  const outcome = await retryUntil<Attempt<T>>({
    policy,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    attempt: async (info) => {
      const attempt = await session.probe(() => attemptOnce(options, expectation, info));
      return { ok: attempt.verdict.ok, value: attempt };
    },
  });
  const { verdict, value } = outcome.last;
  const passed = outcome.ok;
  const interrupted = outcome.interrupted && !passed;
  const detail = interrupted ? "interrompido antes de passar" : !passed && policy.consecutive > 1 && verdict.ok ? `só ${outcome.streak} de ${policy.consecutive} sucessos seguidos antes do prazo` : verdict.detail;
  const diagnoses = passed ? [] : diagnosesFor(session, options.diagnose, expectation, value, verdict);
  const event: CheckEvent = {
    ...base,
    at: new Date().toISOString(),
    status: passed ? "pass" : "fail",
    expected: clipText(verdict.expected),
    received: clipText(verdict.received),
    attempts: outcome.attempts,
    durationMs: outcome.durationMs,
    diagnoses,
    ...(detail !== undefined && !passed ? { detail } : {}),
    ...dataOf(verdict.data, options.data, options.retry),
  };
  session.emit(event);
  const masked = session.masker.maskDeep(event);
  if (!passed) throw new CheckFailure(masked, value);
  return quiet({ status: "pass", value: value as T, verdict, event: masked });
};

/** Runs the probe once and evaluates it; never throws except for bad input. */
const attemptOnce = async <T>(options: CheckOptions<T>, expectation: Expectation<T>, info: AttemptInfo): Promise<Attempt<T>> => {
  let value: T | unknown;
  try {
    value = await options.run({ ...info, ...(options.signal !== undefined ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (!isCommandOutput(error)) {
      return { value: error, verdict: { ok: false, expected: expectation.expected, received: `erro: ${textOf(error)}`, detail: "a verificação não conseguiu obter o valor" } };
    }
    value = error;
  }
  try {
    return { value, verdict: expectation.evaluate(value as T) };
  } catch (error) {
    // A value the expectation cannot read (a ParseError on truncated output…) is a failed attempt, retried.
    return { value, verdict: { ok: false, expected: expectation.expected, received: receivedText(value), detail: (error as Error).message } };
  }
};

/** The event's data: parsed values, the caller's extras, the retry policy. */
const dataOf = (values: unknown, extra: unknown, retry: RetryPolicy | undefined): { data?: unknown } => {
  const data: Record<string, unknown> = {};
  if (values !== undefined) data["values"] = values;
  if (extra !== undefined) data["extra"] = extra;
  if (retry !== undefined) data["retry"] = retry;
  return Object.keys(data).length ? { data } : {};
};

/** A check result prints as nothing in a cell (the ✔ is already shown); its fields stay readable. */
const quiet = <R extends object>(result: R): R =>
  Object.defineProperty(result, inspect.custom, { value: () => "", enumerable: false });
