// Custom resources: values validated against the CRD version's structural schema (types, required, enum,
// nullable, int-or-string, patterns, bounds, oneOf/anyOf/allOf/not) with apiextensions' messages, and defaults
// applied from `default`. CEL rules (x-kubernetes-validations) are not evaluated.
import type { KubeObject } from "../../contracts.js";
import { fieldInvalid, fieldNotSupported, fieldRequired, fieldTypeInvalid, type StatusCause } from "../../store/errors.js";
import { dns1123SubdomainError } from "../names.js";
import type { JSONSchema } from "../../resources/schema.js";

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

const jsonType = (v: unknown): string => {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
};

const typeMatches = (schema: JSONSchema, v: unknown): boolean => {
  if (schema["x-kubernetes-int-or-string"]) return typeof v === "string" || (typeof v === "number" && Number.isInteger(v));
  const t = jsonType(v);
  switch (schema.type) {
    case undefined:
      return true;
    case "number":
      return t === "number" || t === "integer";
    default:
      return schema.type === t;
  }
};

const join = (path: string, key: string | number): string => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** Validates `value` against `schema`; returns field errors with the paths apiextensions reports. */
export const validateValue = (schema: JSONSchema, value: unknown, path: string): StatusCause[] => {
  const causes: StatusCause[] = [];
  if (value === null) {
    if (!schema.nullable && schema.type && !schema["x-kubernetes-preserve-unknown-fields"]) {
      causes.push(fieldTypeInvalid(path, "null", `${path} in body must be of type ${schema.type}: "null"`));
    }
    return causes;
  }
  if (!typeMatches(schema, value)) {
    const expected = schema["x-kubernetes-int-or-string"] ? "integer,string" : schema.type!;
    causes.push(fieldTypeInvalid(path, jsonType(value), `${path} in body must be of type ${expected}: "${jsonType(value)}"`));
    return causes;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    causes.push(fieldNotSupported(path, value, schema.enum.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))));
  }
  if (typeof value === "string") {
    if (schema.pattern && !new RegExp(schema.pattern, "u").test(value)) causes.push(fieldInvalid(path, value, `${path} in body should match '${schema.pattern}'`));
    if (schema.minLength !== undefined && [...value].length < schema.minLength) causes.push(fieldInvalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`));
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) causes.push({ reason: "FieldValueTooLong", field: path, message: `Too long: may not be more than ${schema.maxLength} bytes` });
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      causes.push(fieldInvalid(path, value, `${path} in body should be greater than ${schema.exclusiveMinimum ? "" : "or equal to "}${schema.minimum}`));
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      causes.push(fieldInvalid(path, value, `${path} in body should be less than ${schema.exclusiveMaximum ? "" : "or equal to "}${schema.maximum}`));
    }
    if (schema.multipleOf && value % schema.multipleOf !== 0) causes.push(fieldInvalid(path, value, `${path} in body should be a multiple of ${schema.multipleOf}`));
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) causes.push(fieldInvalid(path, value.length, `${path} in body should have at least ${schema.minItems} items`));
    if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push({ reason: "FieldValueTooMany", field: path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
    if (schema.items) value.forEach((item, i) => causes.push(...validateValue(schema.items!, item, join(path, i))));
    const mapKeys = schema["x-kubernetes-list-type"] === "map" ? schema["x-kubernetes-list-map-keys"] ?? [] : undefined;
    if (mapKeys || schema["x-kubernetes-list-type"] === "set") {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const id = mapKeys && isObject(item) ? JSON.stringify(mapKeys.map((k) => item[k])) : JSON.stringify(item);
        if (seen.has(id)) causes.push({ reason: "FieldValueDuplicate", field: join(path, i), message: `Duplicate value: ${mapKeys && isObject(item) ? JSON.stringify(Object.fromEntries(mapKeys.map((k) => [k, item[k]]))) : JSON.stringify(item)}` });
        seen.add(id);
      });
    }
  }
  if (isObject(value)) {
    for (const r of schema.required ?? []) if (!(r in value)) causes.push(fieldRequired(join(path, r)));
    const keys = Object.keys(value);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) causes.push(fieldInvalid(path, keys.length, `${path} in body should have at least ${schema.minProperties} properties`));
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) causes.push({ reason: "FieldValueTooMany", field: path, message: `Too many: ${keys.length}: must have at most ${schema.maxProperties} items` });
    for (const [k, v] of Object.entries(value)) {
      const child = schema.properties?.[k] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (child) causes.push(...validateValue(child, v, join(path, k)));
    }
  }
  const ok = (s: JSONSchema) => validateValue(s, value, path).length === 0;
  if (schema.allOf) for (const s of schema.allOf) causes.push(...validateValue(s, value, path));
  if (schema.anyOf && !schema.anyOf.some(ok)) causes.push(fieldInvalid(path, jsonType(value), "must validate at least one schema (anyOf)"));
  if (schema.oneOf) {
    const n = schema.oneOf.filter(ok).length;
    if (n !== 1) causes.push(fieldInvalid(path, jsonType(value), `must validate one and only one schema (oneOf). ${n === 0 ? "Found none valid" : `Found ${n} valid alternatives`}`));
  }
  if (schema.not && ok(schema.not)) causes.push(fieldInvalid(path, jsonType(value), "must not validate the schema (not)"));
  return causes;
};

/** Applies `default` values of the schema to missing fields (in place). */
export const applyDefaults = (schema: JSONSchema | undefined, value: unknown): void => {
  if (!schema) return;
  if (isObject(value) && schema.properties) {
    for (const [k, s] of Object.entries(schema.properties)) {
      if (!(k in value) && s.default !== undefined) value[k] = structuredClone(s.default);
      applyDefaults(s, value[k]);
    }
  }
  if (isObject(value) && isObject(schema.additionalProperties)) for (const v of Object.values(value)) applyDefaults(schema.additionalProperties as JSONSchema, v);
  if (Array.isArray(value) && schema.items) for (const v of value) applyDefaults(schema.items, v);
};

/** Validates a custom object (name, then everything but metadata against the schema). */
export const validateCustomObject = (schema: JSONSchema | undefined, object: KubeObject): StatusCause[] => {
  const causes: StatusCause[] = [];
  const nameErr = dns1123SubdomainError(object.metadata.name);
  if (nameErr) causes.push(fieldInvalid("metadata.name", object.metadata.name, nameErr));
  if (!schema) return causes;
  const body: Obj = { ...object };
  delete body["metadata"];
  delete body["apiVersion"];
  delete body["kind"];
  const rootSchema: JSONSchema = { ...schema, properties: { ...(schema.properties ?? {}) } };
  delete rootSchema.properties!["metadata"];
  delete rootSchema.properties!["apiVersion"];
  delete rootSchema.properties!["kind"];
  rootSchema.required = (schema.required ?? []).filter((r) => !["metadata", "apiVersion", "kind"].includes(r));
  causes.push(...validateValue(rootSchema, body, ""));
  return causes;
};
