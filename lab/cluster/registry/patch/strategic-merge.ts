// Strategic merge patch (`application/strategic-merge-patch+json`), the patch kubectl's client-side apply sends
// for built-in kinds: lists merge by their merge key, and the directives ($patch, $retainKeys,
// $setElementOrder/…, $deleteFromPrimitiveList/…) are carried out — and never stored.
import { ApiError } from "../../contracts.js";
import { childSchema, type SchemaNode } from "../../resources/schema.js";

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const bad = (message: string): ApiError => new ApiError(400, "BadRequest", message);

const SET_ORDER = "$setElementOrder/";
const DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

/** Applies a strategic merge patch to `original` using `schema` for list keys; inputs are not modified. */
export const applyStrategicMergePatch = (original: unknown, patch: unknown, schema: SchemaNode | undefined): unknown => {
  if (!isObject(patch)) throw bad("strategic merge patch must be a JSON object");
  const result = mergeMap(isObject(original) ? structuredClone(original) : {}, patch, schema);
  return result === undefined ? {} : stripDirectives(result);
};

const mergeMap = (original: Obj, patch: Obj, schema: SchemaNode | undefined): Obj | undefined => {
  const directive = patch["$patch"];
  if (directive === "delete") return undefined;
  if (directive === "replace") {
    const copy = structuredClone(patch);
    delete copy["$patch"];
    return stripDirectives(copy) as Obj;
  }
  if (directive !== undefined && directive !== "merge") throw bad(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);

  const retainKeys = patch["$retainKeys"];
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys" || key.startsWith(SET_ORDER)) continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const current = original[field];
      if (Array.isArray(current) && Array.isArray(value)) original[field] = current.filter((x) => !value.some((d) => equal(d, x)));
      continue;
    }
    if (value === null) {
      delete original[key];
      continue;
    }
    const child = childSchema(schema, key);
    original[key] = mergeValue(original[key], value, child);
    if (original[key] === undefined) delete original[key];
  }
  if (Array.isArray(retainKeys)) {
    for (const key of Object.keys(original)) if (!retainKeys.includes(key)) delete original[key];
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER) || !Array.isArray(order)) continue;
    const field = key.slice(SET_ORDER.length);
    const list = original[field];
    if (Array.isArray(list)) original[field] = reorder(list, order, childSchema(schema, field));
  }
  return original;
};

const mergeValue = (original: unknown, patch: unknown, schema: SchemaNode | undefined): unknown => {
  if (isObject(patch)) {
    if (schema && schema.kind !== "object" && schema.kind !== "map" && schema.kind !== "any") return stripDirectives(patch);
    return mergeMap(isObject(original) ? original : {}, patch, schema);
  }
  if (Array.isArray(patch)) return mergeList(Array.isArray(original) ? original : [], patch, schema);
  return patch;
};

const keyOf = (item: unknown, keys: string[]): string | undefined =>
  isObject(item) ? JSON.stringify(keys.map((k) => item[k] ?? null)) : undefined;

const mergeList = (original: unknown[], patch: unknown[], schema: SchemaNode | undefined): unknown[] => {
  const list = schema?.list;
  // A `{$patch: replace}` element means: the other elements are the whole new list.
  if (patch.some((p) => isObject(p) && p["$patch"] === "replace" && Object.keys(p).length === 1)) {
    return patch.filter((p) => !(isObject(p) && p["$patch"] === "replace")).map(stripDirectives);
  }
  if (!list || list.type === "atomic") return patch.map(stripDirectives);
  if (list.type === "set" || patch.every((p) => !isObject(p))) {
    const out = [...original];
    for (const p of patch) if (!out.some((o) => equal(o, p))) out.push(p);
    return out;
  }
  // Only the first key is the strategic merge key (patchMergeKey); use it for matching.
  const mergeKeys = [list.keys[0]!];
  const out = original.map((o) => o);
  for (const p of patch) {
    if (!isObject(p)) continue;
    const k = keyOf(p, mergeKeys);
    const index = out.findIndex((o) => keyOf(o, mergeKeys) === k);
    if (p["$patch"] === "delete") {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeValue(out[index], p, schema?.elem);
    else out.push(mergeMap({}, p, schema?.elem));
  }
  return out.filter((x) => x !== undefined);
};

/** Orders a merged list like `$setElementOrder` says; items it does not name keep their place after. */
const reorder = (list: unknown[], order: unknown[], schema: SchemaNode | undefined): unknown[] => {
  const keys = schema?.list?.type === "map" ? [schema.list.keys[0]!] : undefined;
  const identity = (x: unknown) => (keys ? keyOf(x, keys) : JSON.stringify(x));
  const rank = new Map(order.map((o, i) => [identity(o), i]));
  const named = list.filter((x) => rank.has(identity(x))).sort((a, b) => rank.get(identity(a))! - rank.get(identity(b))!);
  const rest = list.filter((x) => !rank.has(identity(x)));
  return [...named, ...rest];
};

/** Removes every `$…` directive key left in a value (so none is ever stored). */
export const stripDirectives = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.filter((v) => !(isObject(v) && v["$patch"] !== undefined && Object.keys(v).length === 1)).map(stripDirectives);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith("$")) continue;
    out[k] = stripDirectives(v);
  }
  return out;
};
