// What a check compares against: an Expectation evaluates a received value into a Verdict (expected vs received,
// as text a student reads, plus machine-readable data). Matchers, structured checks and predicates all become one.
import type { DiagnoseContext } from "../diagnose/types.js";
import { isCommandOutput, textOf } from "../parse/text.js";
import { applyMatcher } from "./compare.js";
import { describeMatcher, isMatcher, type Matcher } from "./matchers.js";
import { normalizeText } from "./normalize.js";

/** The outcome of evaluating one received value. */
export interface Verdict {
  ok: boolean;
  /** What was expected, with concrete values (Portuguese). */
  expected: string;
  /** What came back, as a student should see it. */
  received: string;
  /** Where or why it failed (Portuguese). */
  detail?: string;
  /** Parsed values worth recording (counts, addresses…). */
  data?: unknown;
  /** Facts learned while evaluating that make diagnoses concrete (e.g. the token's claims). */
  diagnoseContext?: DiagnoseContext;
}

/** Something a received value is checked against. */
export interface Expectation<T = unknown> {
  /** "like", "workload-entry", "sidecar-log"… (recorded in the event; diagnoses may use it). */
  kind: string;
  /** What is expected, before anything ran (shown in plan mode). */
  expected: string;
  /** A serialisable description (a matcher object, the structured check's parameters). */
  spec?: Record<string, unknown>;
  /** Evaluates one received value; pure. */
  evaluate(received: T): Verdict;
}

/** A predicate over the received value: true/false or a full verdict. */
export type Predicate<T> = (received: T) => boolean | Verdict;

/** Anything `check()` accepts as `expect`. */
export type ExpectInput<T> = Matcher | Expectation<T> | Predicate<T>;

/** True for an Expectation object. */
export const isExpectation = (value: unknown): value is Expectation<never> =>
  typeof value === "object" && value !== null && typeof (value as Expectation).evaluate === "function" && typeof (value as Expectation).kind === "string";

/** The received text of a value as checks show it: the output, plus the exit code when a command failed. */
export const receivedText = (received: unknown): string => {
  const text = normalizeText(textOf(received));
  if (isCommandOutput(received) && received.exitCode !== 0) {
    const how = received.exitCode === null ? "sem código de saída (interrompido)" : `código de saída ${received.exitCode}`;
    return `${text}${text ? "\n" : ""}(${how})`;
  }
  return text === "" ? "(saída vazia)" : text;
};

/** An Expectation from a text matcher. */
export const matcherExpectation = (m: Matcher): Expectation<unknown> => ({
  kind: m.kind,
  expected: describeMatcher(m),
  spec: { ...m },
  evaluate: (received) => {
    const outcome = applyMatcher(m, {
      text: textOf(received),
      ...(isCommandOutput(received) ? { exitCode: received.exitCode } : {}),
    });
    return {
      ok: outcome.ok,
      expected: describeMatcher(m),
      received: receivedText(received),
      ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}),
    };
  },
});

/** An Expectation from a predicate; `expected` describes it for the reader. */
export const predicateExpectation = <T>(predicate: Predicate<T>, expected = "a condição da verificação é verdadeira"): Expectation<T> => ({
  kind: "predicate",
  expected,
  evaluate: (received) => {
    const result = predicate(received);
    return typeof result === "boolean" ? { ok: result, expected, received: receivedText(received) } : result;
  },
});

/** Normalises `expect` into an Expectation. */
export const toExpectation = <T>(expect: ExpectInput<T>, expected?: string): Expectation<T> => {
  if (isExpectation(expect)) return expect as Expectation<T>;
  if (isMatcher(expect)) return matcherExpectation(expect) as Expectation<T>;
  if (typeof expect === "function") return predicateExpectation(expect, expected);
  throw new TypeError("expect deve ser um matcher ({ kind: … }), uma Expectation ou uma função");
};
