// A small facade bound to one session, for the runbook facade (`rb.check…`): the same functions, fewer arguments.
import type { Session } from "../run/session.js";
import { check, type CheckOptions, type CheckResult } from "./check.js";
import { watchCheck, type WatchCheckOptions } from "./watch.js";

/** Checks bound to a session. */
export class Checks {
  readonly #session: Session;
  constructor(options: { session: Session }) {
    this.#session = options.session;
  }
  /** Runs a check (see check()). */
  check<T>(options: CheckOptions<T>): Promise<CheckResult<T>> {
    return check(this.#session, options);
  }
  /** Runs a watch-based check (see watchCheck()). */
  watch<T>(options: WatchCheckOptions<T>): Promise<CheckResult<T>> {
    return watchCheck(this.#session, options);
  }
}
