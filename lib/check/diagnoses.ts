// The diagnoses shown under a failed check: the built-in signatures over what was received, with the session's
// parameters (and the check's extra context) as context, unless the check turns them off or brings its own.
import { contextFromParams } from "../diagnose/context.js";
import { diagnose } from "../diagnose/diagnose.js";
import type { DiagnoseInput } from "../diagnose/types.js";
import { isCommandOutput, textOf } from "../parse/text.js";
import type { Diagnosis } from "../run/events.js";
import type { Session } from "../run/session.js";
import type { DiagnoseSetting } from "./check.js";
import type { Expectation, Verdict } from "./expectation.js";

/** Diagnoses for a failed check, per the check's `diagnose` setting. */
export const diagnosesFor = (session: Session, setting: DiagnoseSetting | undefined, expectation: Expectation<never>, value: unknown, verdict: Verdict): Diagnosis[] => {
  if (setting === false) return [];
  const result = isCommandOutput(value) ? (value as DiagnoseInput["result"]) : undefined;
  const input: DiagnoseInput = {
    text: [textOf(value), verdict.received, verdict.detail ?? ""].filter(Boolean).join("\n"),
    ...(result !== undefined ? { result } : {}),
    context: { ...contextFromParams(session.params), ...verdict.diagnoseContext, ...(typeof setting === "object" ? setting.context : {}) },
    kind: expectation.kind,
  };
  if (typeof setting === "function") return setting(input);
  return diagnose(input, typeof setting === "object" ? setting : {});
};
