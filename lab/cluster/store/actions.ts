// The action log: every API request the lab's API server handled, recorded as data (like client-go's fake
// clientset), so tests and the lab CLI can see exactly what kubectl, istiod or a notebook asked for.

/** One request as data. */
export interface Action {
  /** Sequence number, increasing from 1. */
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, connect. */
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Authenticated user name (system:serviceaccount:…, lab-admin, or an in-process component). */
  user?: string;
  /** Content-Type of a patch. */
  patchType?: string;
  fieldManager?: string;
  dryRun?: boolean;
  /** The request body (objects, patches), when there is one. */
  body?: unknown;
  /** HTTP code of the answer, filled when the request finished. */
  code?: number;
  /** Reason of an error answer. */
  reason?: string;
}

/** A bounded, filterable log of actions. */
export class ActionLog {
  private readonly entries: Action[] = [];
  private seq = 0;

  constructor(private readonly capacity = 5_000) {}

  /** Records a new action and returns it (mutable until finished). */
  record(action: Omit<Action, "seq" | "at">): Action {
    const entry: Action = { seq: ++this.seq, at: new Date().toISOString(), ...action };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    return entry;
  }

  /** Actions matching every given field, oldest first. */
  filter(match: Partial<Pick<Action, "verb" | "resource" | "subresource" | "namespace" | "name" | "user" | "group">> = {}): Action[] {
    return this.entries.filter((a) => Object.entries(match).every(([k, v]) => v === undefined || (a as unknown as Record<string, unknown>)[k] === v));
  }

  /** Actions recorded after sequence number `seq`. */
  since(seq: number): Action[] {
    return this.entries.filter((a) => a.seq > seq);
  }

  /** The last sequence number handed out. */
  lastSeq(): number {
    return this.seq;
  }

  /** Forgets every entry (sequence numbers keep increasing). */
  clear(): void {
    this.entries.length = 0;
  }
}
