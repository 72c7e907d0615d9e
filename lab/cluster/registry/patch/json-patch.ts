// RFC 6902 JSON Patch (`application/json-patch+json`): add, remove, replace, move, copy, test, with JSON Pointers.
import { ApiError } from "../../contracts.js";

/** One operation of a JSON Patch. */
export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

const fail = (message: string): ApiError => new ApiError(422, "Invalid", message);

const parsePointer = (pointer: string): string[] => {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw fail(`the server rejected our request due to an error in our request: JSON Pointer "${pointer}" must start with /`);
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
};

type Container = Record<string, unknown> | unknown[];

const resolveParent = (doc: unknown, tokens: string[], pointer: string): { parent: Container; key: string } => {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (cur && typeof cur === "object") cur = (cur as Record<string, unknown>)[t];
    else cur = undefined;
    if (cur === undefined || cur === null || typeof cur !== "object") throw fail(`doc is missing path: "${pointer}": missing value`);
  }
  return { parent: cur as Container, key: tokens[tokens.length - 1]! };
};

const arrayIndex = (arr: unknown[], key: string, pointer: string, forAdd: boolean): number => {
  if (forAdd && key === "-") return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw fail(`Unable to access invalid index: ${key}: invalid index referenced: "${pointer}"`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i >= arr.length)) throw fail(`Unable to access invalid index: ${i}: invalid index referenced: "${pointer}"`);
  return i;
};

const getAt = (doc: unknown, pointer: string): unknown => {
  let cur: unknown = doc;
  for (const t of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (cur && typeof cur === "object" && Object.prototype.hasOwnProperty.call(cur, t)) cur = (cur as Record<string, unknown>)[t];
    else throw fail(`doc is missing path: "${pointer}": missing value`);
    if (cur === undefined) throw fail(`doc is missing path: "${pointer}": missing value`);
  }
  return cur;
};

const add = (doc: unknown, pointer: string, value: unknown): unknown => {
  const tokens = parsePointer(pointer);
  if (!tokens.length) return value;
  const { parent, key } = resolveParent(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
  return doc;
};

const remove = (doc: unknown, pointer: string): unknown => {
  const tokens = parsePointer(pointer);
  if (!tokens.length) throw fail("cannot remove the whole document");
  const { parent, key } = resolveParent(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw fail(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
};

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)])) : v;

/** Applies a JSON Patch to a copy of `document`; throws 422 Invalid on a failing operation. */
export const applyJsonPatch = (document: unknown, operations: unknown): unknown => {
  if (!Array.isArray(operations)) throw new ApiError(400, "BadRequest", "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let doc = structuredClone(document);
  for (const raw of operations as JsonPatchOperation[]) {
    const { op, path } = raw;
    if (typeof path !== "string") throw fail(`the server rejected our request due to an error in our request: operation missing path`);
    switch (op) {
      case "add":
        doc = add(doc, path, structuredClone(raw.value));
        break;
      case "remove":
        doc = remove(doc, path);
        break;
      case "replace":
        getAt(doc, path);
        doc = add(remove(doc, path), path, structuredClone(raw.value));
        break;
      case "move": {
        const value = getAt(doc, raw.from ?? "");
        doc = add(remove(doc, raw.from ?? ""), path, value);
        break;
      }
      case "copy":
        doc = add(doc, path, structuredClone(getAt(doc, raw.from ?? "")));
        break;
      case "test":
        if (!deepEqual(getAt(doc, path), raw.value)) throw fail(`the server rejected our request due to an error in our request: testing value ${path} failed: test failed`);
        break;
      default:
        throw fail(`Unexpected kind: ${String(op)}`);
    }
  }
  return doc;
};
