// The error a failed check throws, so a headless run stops there: it carries the check's event (masked) and its
// message is the same text the cell shows.
import { inspect } from "node:util";
import { renderCheckText } from "../display/render.js";
import type { CheckEvent } from "../run/events.js";

/** A check that did not pass. */
export class CheckFailure extends Error {
  constructor(
    /** The recorded (masked) check event. */
    readonly event: CheckEvent,
    /** The last received value (unmasked: do not print it). */
    readonly received?: unknown,
  ) {
    super(`Verificação falhou: ${renderCheckText(event)}`);
    this.name = "CheckFailure";
  }

  /** Printed in a cell as the message alone (the ✘ block with the diagnosis), without a stack trace. */
  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}
