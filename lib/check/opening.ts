// What every check (polled or watched) does first: validate its title, settle its expectation and step, and build the
// fields its events share; in plan mode, the event of a check that is recorded but not run.
import { InputError } from "../errors.js";
import { newEventId, type CheckEvent } from "../run/events.js";
import type { Session } from "../run/session.js";
import { clipText } from "./clip.js";
import { toExpectation, type ExpectInput, type Expectation } from "./expectation.js";

/** The fields all events of one check share. */
export type CheckEventBase = Pick<CheckEvent, "kind" | "id" | "title" | "step" | "expectation">;

/** Validates the title and resolves the expectation; returns it with the events' shared fields. */
export const openCheck = <T>(session: Session, options: { title: string; step?: string; expect: ExpectInput<T>; expected?: string }): { expectation: Expectation<T>; base: CheckEventBase } => {
  if (typeof options.title !== "string" || options.title.trim() === "") {
    throw new InputError("a verificação não tem título", "passe title: um texto curto que diga o que é verificado");
  }
  const expectation = toExpectation(options.expect, options.expected);
  const step = options.step ?? session.step;
  return {
    expectation,
    base: {
      kind: "check",
      id: newEventId("k"),
      title: options.title,
      ...(step !== undefined ? { step } : {}),
      expectation: { kind: expectation.kind, ...(expectation.spec !== undefined ? { spec: expectation.spec } : {}) },
    },
  };
};

/** The ⏭ event of a check in plan mode: recorded with what it expects, not run. */
export const plannedCheckEvent = (base: CheckEventBase, expectation: Expectation<unknown>, extra: Partial<CheckEvent> = {}): CheckEvent => ({
  ...base,
  at: new Date().toISOString(),
  status: "skip",
  expected: clipText(expectation.expected),
  received: "(não executado: modo plano)",
  attempts: 0,
  durationMs: 0,
  diagnoses: [],
  ...extra,
});
