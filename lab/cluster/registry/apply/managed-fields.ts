// managedFields bookkeeping: which manager owns which fields after every write (operation Update), and
// server-side apply (operation Apply): merge the applied configuration into the live object, remove fields the
// manager stopped applying, and report conflicts with other managers unless forced.
import type { KubeObject } from "../../contracts.js";
import { childSchema, type SchemaNode } from "../../resources/schema.js";
import { describePath, difference, fieldsOf, fromFieldsV1, itemElement, pathElements, removeAt, toFieldsV1, valueAt, type FieldSet } from "./field-set.js";

/** One managedFields entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** A conflict found while applying. */
export interface ApplyConflict {
  manager: string;
  path: string;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

const entriesOf = (object: KubeObject): ManagedFieldsEntry[] => (object.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? [];

const statusScope = (subresource: string | undefined): "only" | "exclude" => (subresource === "status" ? "only" : "exclude");

const identity = (e: { manager: string; operation: string; subresource?: string }) => `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ""}`;

const setEntries = (object: KubeObject, entries: Array<{ entry: ManagedFieldsEntry; set: FieldSet }>): void => {
  const kept = entries.filter((e) => e.set.size > 0).map((e) => ({ ...e.entry, fieldsV1: toFieldsV1(e.set) }));
  if (kept.length) object.metadata.managedFields = kept;
  else delete object.metadata.managedFields;
};

/** Records an Update by `manager`: it now owns every field it changed; other managers lose those fields. */
export const trackUpdate = (options: {
  previous: KubeObject | undefined;
  next: KubeObject;
  schema: SchemaNode;
  manager: string;
  apiVersion: string;
  subresource?: string;
}): void => {
  const { previous, next, schema, manager, apiVersion, subresource } = options;
  const scope = statusScope(subresource);
  const before = previous ? fieldsOf(previous, schema, { root: true, status: scope }) : new Set<string>();
  const after = fieldsOf(next, schema, { root: true, status: scope });
  const changed = new Set<string>();
  for (const key of after) {
    const path = pathElements(key);
    if (!before.has(key) || !same(valueAt(previous, path), valueAt(next, path))) {
      if (!isContainer(valueAt(next, path)) || !before.has(key)) changed.add(key);
    }
  }
  const removed = difference(before, after);
  const entries = entriesOf(previous ?? next).map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
  for (const e of entries) {
    for (const k of changed) e.set.delete(k);
    for (const k of removed) e.set.delete(k);
  }
  if (changed.size) {
    const id = identity({ manager, operation: "Update", subresource });
    let mine = entries.find((e) => identity(e.entry) === id);
    if (!mine) {
      mine = { entry: { manager, operation: "Update", apiVersion, time: now(), fieldsType: "FieldsV1", fieldsV1: {}, ...(subresource ? { subresource } : {}) }, set: new Set() };
      entries.push(mine);
    }
    mine.entry = { ...mine.entry, apiVersion, time: now() };
    for (const k of changed) mine.set.add(k);
  }
  setEntries(next, entries);
};

const isContainer = (v: unknown): boolean => (isObject(v) && Object.keys(v).length > 0) || Array.isArray(v);

/** Merges an applied configuration into a live value (maps by key, keyed lists by key, sets as unions). */
export const mergeApplied = (live: unknown, applied: unknown, schema: SchemaNode | undefined): unknown => {
  if (isObject(applied) && isObject(live) && schema?.kind !== "scalar") {
    const out: Obj = structuredClone(live);
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) {
        delete out[k];
        continue;
      }
      out[k] = mergeApplied(live[k], v, childSchema(schema, k) ?? { kind: "any" });
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live) && schema?.kind === "list" && schema.list && schema.list.type !== "atomic") {
    const out = structuredClone(live) as unknown[];
    for (const item of applied) {
      const el = itemElement(item, schema);
      const existing = el ? out.findIndex((o) => itemElement(o, schema) === el) : -1;
      if (existing >= 0) out[existing] = schema.list.type === "map" ? mergeApplied(out[existing], item, schema.elem) : item;
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(applied);
};

/** How apimachinery names a manager in conflict messages: `"kubectl"`, `"kubectl-client-side-apply" using apps/v1`. */
const printManager = (entry: ManagedFieldsEntry): string => {
  let out = JSON.stringify(entry.manager);
  if (entry.subresource) out += ` with subresource ${JSON.stringify(entry.subresource)}`;
  return entry.operation === "Update" ? `${out} using ${entry.apiVersion}` : out;
};

/** Thrown by serverSideApply when other managers own fields the apply changes (the apiserver's wording). */
export class ApplyConflictError extends Error {
  constructor(readonly conflicts: ApplyConflict[]) {
    super(ApplyConflictError.format(conflicts));
    this.name = "ApplyConflictError";
  }

  private static format(conflicts: ApplyConflict[]): string {
    if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0]!.manager}: ${conflicts[0]!.path}`;
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const manager of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${manager}:`);
      for (const path of byManager.get(manager)!) lines.push(`- ${path}`);
    }
    return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
}

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined = create). Returns the new object with
 * managedFields updated. Throws ApplyConflictError unless `force`.
 */
export const serverSideApply = (options: {
  live: KubeObject | undefined;
  applied: KubeObject;
  schema: SchemaNode;
  manager: string;
  apiVersion: string;
  force: boolean;
  subresource?: string;
}): KubeObject => {
  const { live, applied, schema, manager, apiVersion, force, subresource } = options;
  const scope = statusScope(subresource);
  const appliedSet = fieldsOf(applied, schema, { root: true, status: scope });
  const base: KubeObject = live ? structuredClone(live) : ({ apiVersion: applied.apiVersion, kind: applied.kind, metadata: { name: applied.metadata.name } } as KubeObject);
  const entries = entriesOf(base).map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
  const myId = identity({ manager, operation: "Apply", subresource });
  let mine = entries.find((e) => identity(e.entry) === myId);

  const leaves = [...appliedSet].filter((key) => ![...appliedSet].some((k) => k.startsWith(`${key}\u0000`)));
  const conflicts: ApplyConflict[] = [];
  const conflicting = new Set<string>();
  for (const e of entries) {
    if (e === mine) continue;
    for (const key of leaves) {
      if (!e.set.has(key)) continue;
      const path = pathElements(key);
      if (!same(valueAt(applied, path), valueAt(base, path))) {
        conflicts.push({ manager: printManager(e.entry), path: describePath(key) });
        conflicting.add(key);
      }
    }
  }
  if (conflicts.length && !force) throw new ApplyConflictError(conflicts);
  if (force) {
    for (const e of entries) if (e !== mine) for (const key of conflicting) e.set.delete(key);
  }

  const metaApplied = { ...applied, metadata: { ...applied.metadata } } as KubeObject;
  delete metaApplied.metadata.managedFields;
  delete metaApplied.metadata.resourceVersion;
  let merged = mergeApplied(base, metaApplied, schema) as KubeObject;

  // Fields this manager applied before but not now are removed unless someone else owns them.
  const previous = mine?.set ?? new Set<string>();
  const dropped = [...difference(previous, appliedSet)].sort((a, b) => b.length - a.length);
  for (const key of dropped) {
    if (entries.some((e) => e !== mine && e.set.has(key))) continue;
    removeAt(merged, pathElements(key));
  }
  if (!mine) {
    mine = { entry: { manager, operation: "Apply", apiVersion, time: now(), fieldsType: "FieldsV1", fieldsV1: {}, ...(subresource ? { subresource } : {}) }, set: new Set() };
    entries.push(mine);
  }
  mine.entry = { ...mine.entry, apiVersion, time: now() };
  mine.set = appliedSet;
  merged = merged as KubeObject;
  setEntries(merged, entries);
  return merged;
};
