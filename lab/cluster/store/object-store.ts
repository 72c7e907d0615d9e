// The in-memory object store (the lab's etcd): objects by group/resource, namespace and name, one global
// monotonically increasing resourceVersion, a bounded event history for watches that resume from a
// resourceVersion (410 Expired when it is too old), selector-aware watch fan-out and consistent pagination.
import type { KubeObject } from "../contracts.js";
import { alreadyExists, badRequest, conflict, gone, notFound, type GroupResource } from "./errors.js";
import { matchesFields, matchesLabels, type FieldRequirement, type LabelSelector } from "./selectors.js";

/** A change recorded by the store. */
export interface StoreEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  resourceVersion: number;
  gr: GroupResource;
  object: KubeObject;
  /** The object before a MODIFIED change (lets selector watches turn changes into ADDED/DELETED). */
  previous?: KubeObject;
}

/** What a list or watch selects. */
export interface StoreFilter {
  namespace?: string;
  labels?: LabelSelector;
  fields?: FieldRequirement[];
}

/** A page of a list. */
export interface StoreListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A running watch; stop() ends it. */
export interface StoreWatch {
  stop(): void;
}

/** Serialized form of the store (persistence). */
export interface StoreSnapshot {
  resourceVersion: number;
  resources: Record<string, KubeObject[]>;
}

const grKey = (gr: GroupResource): string => `${gr.group}/${gr.resource}`;
const objectKey = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);

const matches = (filter: StoreFilter, object: KubeObject): boolean =>
  (filter.namespace === undefined || filter.namespace === "" || object.metadata.namespace === filter.namespace) &&
  (!filter.labels?.length || matchesLabels(filter.labels, object.metadata.labels)) &&
  (!filter.fields?.length || matchesFields(filter.fields, object));

interface Watcher {
  gr: string;
  filter: StoreFilter;
  listener: (event: StoreEvent) => void;
  active: boolean;
}

/** In-memory storage of Kubernetes objects with resourceVersions and watch history. */
export class ObjectStore {
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly changeListeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: StoreEvent) => void>();
  private readonly queue: Array<{ watcher: Watcher; event: StoreEvent }> = [];
  private dispatching = false;
  private rv = 1;
  /** Events with a resourceVersion greater than this are all in `history`. */
  private historyStart = 1;

  constructor(private readonly options: { historySize?: number } = {}) {}

  /** The current (latest) resourceVersion. */
  resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  oldestResumableVersion(): number {
    return this.historyStart;
  }

  /** Calls `listener` after every change (used to persist). Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Calls `listener` with every change of every resource (the garbage collector uses it). */
  onEvent(listener: (event: StoreEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private bucket(gr: GroupResource): Map<string, KubeObject> {
    const key = grKey(gr);
    let b = this.data.get(key);
    if (!b) {
      b = new Map();
      this.data.set(key, b);
    }
    return b;
  }

  /** Returns a copy of the object, or undefined. */
  get(gr: GroupResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.data.get(grKey(gr))?.get(objectKey(namespace, name));
    return o ? clone(o) : undefined;
  }

  /** Returns a copy of the object or throws NotFound. */
  mustGet(gr: GroupResource, namespace: string | undefined, name: string): KubeObject {
    const o = this.get(gr, namespace, name);
    if (!o) throw notFound(gr, name);
    return o;
  }

  /** Lists matching objects sorted by namespace/name, with limit/continue paging. */
  list(gr: GroupResource, filter: StoreFilter = {}, page: { limit?: number; continue?: string } = {}): StoreListResult {
    const bucket = this.data.get(grKey(gr));
    let keys = [...(bucket?.keys() ?? [])].sort();
    let start = "";
    if (page.continue) {
      const token = decodeContinue(page.continue);
      if (token.rv < this.historyStart) {
        throw gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
      }
      start = token.start;
      keys = keys.filter((k) => k >= start);
    }
    const matched: KubeObject[] = [];
    let continueKey: string | undefined;
    let remaining = 0;
    for (const key of keys) {
      const o = bucket!.get(key)!;
      if (!matches(filter, o)) continue;
      if (page.limit && page.limit > 0 && matched.length >= page.limit) {
        if (continueKey === undefined) continueKey = key;
        remaining++;
        continue;
      }
      matched.push(clone(o));
    }
    const result: StoreListResult = { items: matched, resourceVersion: String(this.rv) };
    if (continueKey !== undefined) {
      result.continue = encodeContinue({ rv: this.rv, start: continueKey });
      result.remainingItemCount = remaining;
    }
    return result;
  }

  /** Every object of every resource (persistence, garbage collection). */
  all(): Array<{ gr: GroupResource; object: KubeObject }> {
    const out: Array<{ gr: GroupResource; object: KubeObject }> = [];
    for (const [key, bucket] of this.data) {
      const [group, resource] = splitGr(key);
      for (const o of bucket.values()) out.push({ gr: { group, resource }, object: clone(o) });
    }
    return out;
  }

  /** Stores a new object (assigns resourceVersion); throws AlreadyExists. */
  create(gr: GroupResource, object: KubeObject): KubeObject {
    const bucket = this.bucket(gr);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    if (bucket.has(key)) throw alreadyExists(gr, object.metadata.name);
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, stored);
    this.emit({ type: "ADDED", resourceVersion: this.rv, gr, object: clone(stored) });
    return clone(stored);
  }

  /** Replaces an existing object; when `object.metadata.resourceVersion` is set it must match (else Conflict). */
  update(gr: GroupResource, object: KubeObject): KubeObject {
    const bucket = this.bucket(gr);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const current = bucket.get(key);
    if (!current) throw notFound(gr, object.metadata.name);
    const expected = object.metadata.resourceVersion;
    if (expected !== undefined && expected !== "" && expected !== current.metadata.resourceVersion) {
      throw conflict(gr, object.metadata.name);
    }
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, stored);
    this.emit({ type: "MODIFIED", resourceVersion: this.rv, gr, object: clone(stored), previous: clone(current) });
    return clone(stored);
  }

  /** Removes an object (optionally only at a given resourceVersion/uid); returns it with the deletion's resourceVersion. */
  delete(gr: GroupResource, namespace: string | undefined, name: string, preconditions: { uid?: string; resourceVersion?: string } = {}): KubeObject {
    const bucket = this.bucket(gr);
    const key = objectKey(namespace, name);
    const current = bucket.get(key);
    if (!current) throw notFound(gr, name);
    if (preconditions.uid && preconditions.uid !== current.metadata.uid) {
      throw conflict(gr, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (preconditions.resourceVersion && preconditions.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    bucket.delete(key);
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: "DELETED", resourceVersion: this.rv, gr, object: clone(gone) });
    return gone;
  }

  /**
   * Watches a resource. With `resourceVersion` undefined, "" or "0" the watch first sends ADDED for every matching
   * object, then changes; with a number it replays changes after it (410 Expired when older than the history).
   */
  watch(gr: GroupResource, filter: StoreFilter, resourceVersion: string | undefined, listener: (event: StoreEvent) => void): StoreWatch {
    const watcher: Watcher = { gr: grKey(gr), filter, listener, active: true };
    const replay: StoreEvent[] = [];
    if (resourceVersion === undefined || resourceVersion === "" || resourceVersion === "0") {
      for (const o of this.list(gr, filter).items) {
        replay.push({ type: "ADDED", resourceVersion: Number(o.metadata.resourceVersion), gr, object: o });
      }
    } else {
      const from = Number(resourceVersion);
      if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: ${resourceVersion}`);
      if (from < this.historyStart) throw gone(`too old resource version: ${from} (${this.historyStart + 1})`);
      for (const e of this.history) {
        if (e.resourceVersion > from && grKey(e.gr) === watcher.gr) {
          const translated = translate(filter, e);
          if (translated) replay.push(translated);
        }
      }
    }
    this.watchers.add(watcher);
    for (const event of replay) this.queue.push({ watcher, event });
    this.drain();
    return {
      stop: () => {
        watcher.active = false;
        this.watchers.delete(watcher);
      },
    };
  }

  /** Serializes every object (for persistence). */
  snapshot(): StoreSnapshot {
    const resources: Record<string, KubeObject[]> = {};
    for (const [key, bucket] of this.data) if (bucket.size) resources[key] = [...bucket.values()].map(clone);
    return { resourceVersion: this.rv, resources };
  }

  /** Loads a snapshot into an empty store; watches can resume only from its resourceVersion on. */
  restore(snapshot: StoreSnapshot): void {
    this.data.clear();
    this.history.length = 0;
    for (const [key, objects] of Object.entries(snapshot.resources)) {
      const bucket = new Map<string, KubeObject>();
      for (const o of objects) bucket.set(objectKey(o.metadata.namespace, o.metadata.name), clone(o));
      this.data.set(key, bucket);
    }
    this.rv = snapshot.resourceVersion;
    this.historyStart = snapshot.resourceVersion;
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    const max = this.options.historySize ?? 10_000;
    while (this.history.length > max) this.historyStart = this.history.shift()!.resourceVersion;
    const key = grKey(event.gr);
    for (const w of this.watchers) {
      if (w.gr !== key) continue;
      const translated = translate(w.filter, event);
      if (translated) this.queue.push({ watcher: w, event: translated });
    }
    this.drain();
    for (const l of this.eventListeners) l(event);
    for (const l of this.changeListeners) l();
  }

  /** Delivers queued events in order, even when a listener changes the store while being called. */
  private drain(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.queue.length) {
        const { watcher, event } = this.queue.shift()!;
        if (watcher.active) watcher.listener(event);
      }
    } finally {
      this.dispatching = false;
    }
  }
}

/** Turns a raw change into what a filtered watcher sees (objects leaving the selection become DELETED). */
const translate = (filter: StoreFilter, event: StoreEvent): StoreEvent | undefined => {
  const now = matches(filter, event.object);
  if (event.type !== "MODIFIED" || !event.previous) return now ? event : undefined;
  const before = matches(filter, event.previous);
  if (now && before) return event;
  if (now) return { ...event, type: "ADDED" };
  if (before) return { ...event, type: "DELETED" };
  return undefined;
};

const splitGr = (key: string): [string, string] => {
  const i = key.indexOf("/");
  return [key.slice(0, i), key.slice(i + 1)];
};

const encodeContinue = (token: { rv: number; start: string }): string =>
  Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: token.rv, start: token.start })).toString("base64url");

const decodeContinue = (text: string): { rv: number; start: string } => {
  try {
    const t = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as { v?: string; rv?: number; start?: string };
    if (t.v !== "meta.k8s.io/v1" || typeof t.rv !== "number" || typeof t.start !== "string") throw new Error("bad token");
    return { rv: t.rv, start: t.start };
  } catch {
    throw badRequest(`continue key is not valid: ${text}`);
  }
};
