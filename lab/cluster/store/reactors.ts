// The reactor chain: handlers consulted before the store for every request (first answer wins), where the lab
// injects faults by verb and resource ("every create of pods fails with 500", "the next 2 watches get 410").
import { ApiError } from "../contracts.js";
import type { Action } from "./actions.js";
import { fromStatus } from "./errors.js";

/** What a reactor decides: answer with an error, answer with an object, or let the request go on (after a delay). */
export type ReactorResult = { error: ApiError } | { object: unknown } | { delayMs: number } | undefined;

/** A handler consulted for matching requests. */
export type Reactor = (action: Action) => ReactorResult | Promise<ReactorResult>;

/** A fault as data (what `lab fault` and tests send through the control socket). */
export interface FaultSpec {
  /** Verb to match (get, list, watch, create, update, patch, delete, deletecollection, connect) or "*". */
  verb: string;
  /** Resource to match (`pods`, `pods/exec`, `deployments`) or "*". */
  resource: string;
  /** Only in this namespace / for this name (optional). */
  namespace?: string;
  name?: string;
  /** The answer: a Status-like error. */
  error?: { code: number; reason?: string; message?: string };
  /** Delay before the request goes on (or before the error). */
  delayMs?: number;
  /** How many requests it applies to (default: until removed). */
  times?: number;
}

interface Entry {
  id: number;
  verb: string;
  resource: string;
  reactor: Reactor;
  remaining: number;
  spec?: FaultSpec;
}

const matchesResource = (pattern: string, action: Action): boolean =>
  pattern === "*" || pattern === action.resource || pattern === `${action.resource}/${action.subresource ?? ""}`;

/** An ordered list of reactors; the first one that answers wins. */
export class ReactorChain {
  private entries: Entry[] = [];
  private nextId = 1;

  /** Adds a reactor in front of the chain; returns its id. */
  prepend(options: { verb: string; resource: string; reactor: Reactor; times?: number }): number {
    const id = this.nextId++;
    this.entries.unshift({ id, verb: options.verb, resource: options.resource, reactor: options.reactor, remaining: options.times ?? Infinity });
    return id;
  }

  /** Adds a fault described as data; returns its id. */
  addFault(spec: FaultSpec): number {
    const id = this.prepend({ verb: spec.verb, resource: spec.resource, times: spec.times, reactor: faultReactor(spec) });
    this.entries[0]!.spec = spec;
    return id;
  }

  /** Removes one reactor by id (true when it existed). */
  remove(id: number): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length !== before;
  }

  /** Removes every reactor. */
  clear(): void {
    this.entries = [];
  }

  /** The faults in effect, as data. */
  faults(): Array<FaultSpec & { id: number; remaining: number | null }> {
    return this.entries
      .filter((e) => e.spec)
      .map((e) => ({ ...e.spec!, id: e.id, remaining: Number.isFinite(e.remaining) ? e.remaining : null }));
  }

  /** Runs the chain for an action: throws the injected error, returns an injected object, or undefined to go on. */
  async run(action: Action): Promise<{ object: unknown } | undefined> {
    for (const entry of [...this.entries]) {
      if ((entry.verb !== "*" && entry.verb !== action.verb) || !matchesResource(entry.resource, action)) continue;
      const result = await entry.reactor(action);
      if (result === undefined) continue;
      entry.remaining--;
      if (entry.remaining <= 0) this.remove(entry.id);
      if ("delayMs" in result) {
        await new Promise((resolve) => setTimeout(resolve, result.delayMs));
        continue;
      }
      if ("error" in result) throw result.error;
      return result;
    }
    return undefined;
  }
}

/** Turns a FaultSpec into a reactor. */
export const faultReactor = (spec: FaultSpec): Reactor => async (action) => {
  if (spec.namespace !== undefined && spec.namespace !== action.namespace) return undefined;
  if (spec.name !== undefined && spec.name !== action.name) return undefined;
  if (spec.delayMs) await new Promise((resolve) => setTimeout(resolve, spec.delayMs));
  if (spec.error) {
    return {
      error: fromStatus({
        code: spec.error.code,
        reason: spec.error.reason ?? defaultReason(spec.error.code),
        message: spec.error.message ?? `fault injected by the lab for ${action.verb} ${action.resource}`,
      }),
    };
  }
  return spec.delayMs ? { delayMs: 0 } : undefined;
};

const defaultReason = (code: number): string =>
  ({ 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 410: "Expired", 422: "Invalid", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable", 504: "Timeout" })[code] ?? "Unknown";
