// Sets of field paths as server-side apply tracks them (managedFields fieldsV1): `f:<field>` for object fields and
// map keys, `k:{…}` for items of keyed lists, `v:<json>` for items of sets; atomic values are leaves.
import { childSchema, type SchemaNode } from "../../resources/schema.js";

/** One path element in fieldsV1 syntax. */
export type PathElement = string;

/** A set of paths; each path is its elements joined by NUL. */
export type FieldSet = Set<string>;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const SEP = "\u0000";

/** Joins path elements into a set member. */
export const pathKey = (elements: PathElement[]): string => elements.join(SEP);

/** Splits a set member into path elements. */
export const pathElements = (key: string): PathElement[] => (key === "" ? [] : key.split(SEP));

/** Top-level fields never tracked by managedFields. */
const ignoredMetadata = new Set(["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName"]);

/** Object types kubectl and the apiserver treat as atomic (replaced whole, owned as one field). */
const atomicTypes = new Set(["selector"]);

const keyObject = (item: Obj, keys: string[]): Obj => {
  const out: Obj = {};
  for (const k of keys) out[k] = item[k] ?? (k === "protocol" ? "TCP" : null);
  return out;
};

/** The element that identifies a list item (k: for keyed lists, v: for sets). */
export const itemElement = (item: unknown, schema: SchemaNode | undefined): PathElement | undefined => {
  const list = schema?.list;
  if (list?.type === "map" && isObject(item)) return `k:${JSON.stringify(keyObject(item, list.keys))}`;
  if (list?.type === "set") return `v:${JSON.stringify(item)}`;
  return undefined;
};

/**
 * The fields a value sets. `options.root` skips apiVersion/kind and server-owned metadata; `options.status`
 * says whether `.status` counts (only for the status subresource) or not.
 */
export const fieldsOf = (value: unknown, schema: SchemaNode | undefined, options: { root?: boolean; status?: "only" | "exclude" | "include" } = {}): FieldSet => {
  const set: FieldSet = new Set();
  const walk = (v: unknown, node: SchemaNode | undefined, path: PathElement[], fieldName?: string): void => {
    if (isObject(v) && Object.keys(v).length && node?.kind !== "scalar" && !(fieldName && atomicTypes.has(fieldName) && path.length > 1)) {
      const isMap = node?.kind === "map" || node?.kind === "any" || node === undefined;
      if (isMap && path.length) set.add(pathKey(path));
      for (const [k, child] of Object.entries(v)) walk(child, childSchema(node, k) ?? (node?.kind === "object" && !node.preserveUnknown ? undefined : { kind: "any" }), [...path, `f:${k}`], k);
      return;
    }
    if (Array.isArray(v) && node?.kind === "list" && node.list && node.list.type !== "atomic") {
      set.add(pathKey(path));
      for (const item of v) {
        const el = itemElement(item, node);
        if (!el) continue;
        const itemPath = [...path, el];
        set.add(pathKey(itemPath));
        if (node.list.type === "map" && isObject(item)) {
          for (const [k, child] of Object.entries(item)) walk(child, childSchema(node.elem, k), [...itemPath, `f:${k}`], k);
        }
      }
      return;
    }
    if (path.length) set.add(pathKey(path));
  };
  if (!isObject(value)) return set;
  for (const [k, v] of Object.entries(value)) {
    if (options.root && (k === "apiVersion" || k === "kind")) continue;
    if (options.root && k === "status" && options.status !== "include" && options.status !== "only") continue;
    if (options.root && options.status === "only" && k !== "status") continue;
    if (options.root && k === "metadata" && isObject(v)) {
      const meta: Obj = {};
      for (const [mk, mv] of Object.entries(v)) if (!ignoredMetadata.has(mk)) meta[mk] = mv;
      if (Object.keys(meta).length) walk(meta, childSchema(schema, "metadata"), ["f:metadata"], "metadata");
      continue;
    }
    walk(v, childSchema(schema, k) ?? { kind: "any" }, [`f:${k}`], k);
  }
  return set;
};

/** Reads the value at a path (undefined when absent). */
export const valueAt = (root: unknown, path: PathElement[]): unknown => {
  let cur: unknown = root;
  for (const el of path) {
    if (cur === undefined || cur === null) return undefined;
    if (el.startsWith("f:")) cur = isObject(cur) ? cur[el.slice(2)] : undefined;
    else if (el.startsWith("k:")) {
      const key = JSON.parse(el.slice(2)) as Obj;
      cur = Array.isArray(cur) ? cur.find((item) => isObject(item) && Object.entries(key).every(([k, v]) => (item[k] ?? (k === "protocol" ? "TCP" : null)) === v)) : undefined;
    } else if (el.startsWith("v:")) {
      const wanted = el.slice(2);
      cur = Array.isArray(cur) ? cur.find((item) => JSON.stringify(item) === wanted) : undefined;
    } else return undefined;
  }
  return cur;
};

/** Removes the value at a path (no-op when absent). */
export const removeAt = (root: unknown, path: PathElement[]): void => {
  if (!path.length) return;
  const parent = valueAt(root, path.slice(0, -1));
  const el = path[path.length - 1]!;
  if (el.startsWith("f:") && isObject(parent)) delete parent[el.slice(2)];
  else if (Array.isArray(parent)) {
    const target = valueAt(parent, [el]);
    const i = parent.indexOf(target);
    if (i >= 0) parent.splice(i, 1);
  }
};

/** Converts a set into the fieldsV1 JSON tree stored in managedFields. */
export const toFieldsV1 = (set: FieldSet): Obj => {
  interface Node {
    member: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { member: false, children: new Map() };
  for (const key of [...set].sort()) {
    let node = root;
    for (const el of pathElements(key)) {
      let next = node.children.get(el);
      if (!next) {
        next = { member: false, children: new Map() };
        node.children.set(el, next);
      }
      node = next;
    }
    node.member = true;
  }
  const emit = (node: Node): Obj => {
    const out: Obj = {};
    if (node.member && node.children.size) out["."] = {};
    for (const [el, child] of node.children) out[el] = emit(child);
    return out;
  };
  return emit(root);
};

/** Parses a fieldsV1 JSON tree into a set. */
export const fromFieldsV1 = (tree: unknown): FieldSet => {
  const set: FieldSet = new Set();
  const walk = (node: unknown, path: PathElement[]): void => {
    if (!isObject(node)) return;
    const keys = Object.keys(node);
    if (path.length && (keys.length === 0 || keys.includes("."))) set.add(pathKey(path));
    for (const k of keys) if (k !== ".") walk(node[k], [...path, k]);
  };
  walk(tree, []);
  return set;
};

/** Members of `a` not in `b`. */
export const difference = (a: FieldSet, b: FieldSet): FieldSet => new Set([...a].filter((x) => !b.has(x)));

/** Members in both. */
export const intersection = (a: FieldSet, b: FieldSet): FieldSet => new Set([...a].filter((x) => b.has(x)));

/** Renders a path for conflict messages: `.spec.replicas`, `.spec.containers[name="app"].image`. */
export const describePath = (key: string): string =>
  pathElements(key)
    .map((el) => {
      if (el.startsWith("f:")) return `.${el.slice(2)}`;
      if (el.startsWith("k:")) {
        const obj = JSON.parse(el.slice(2)) as Obj;
        return `[${Object.entries(obj).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
      }
      if (el.startsWith("v:")) return `[=${el.slice(2)}]`;
      return el;
    })
    .join("");
