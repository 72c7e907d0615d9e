// `fieldValidation`: unknown fields in a request body are an error (Strict, what kubectl asks for), a warning
// (Warn, the server default) or silently dropped (Ignore) — with the apiserver's exact messages.
import { badRequest } from "../store/errors.js";
import { pruneUnknown, unknownFields, type SchemaNode } from "../resources/schema.js";
import type { FieldValidation } from "./request.js";

/** Parses the `fieldValidation` query value (empty = Warn); throws BadRequest for anything else. */
export const parseFieldValidation = (value: string | null | undefined): FieldValidation => {
  if (value === null || value === undefined || value === "") return "Warn";
  if (value === "Strict" || value === "Warn" || value === "Ignore") return value;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", but got: ${value}`);
};

/**
 * Checks `object` for unknown fields: Strict throws 400 (`<prefix>strict decoding error: unknown field "spec.x"`),
 * Warn prunes and adds a warning per field, Ignore prunes.
 */
export const enforceFieldValidation = (options: {
  object: Record<string, unknown>;
  schema: SchemaNode;
  mode: FieldValidation;
  warnings?: string[];
  /** `Pod in version "v1" cannot be handled as a Pod: ` for create/update bodies; empty for patches. */
  prefix: string;
}): void => {
  const { object, schema, mode, warnings, prefix } = options;
  const unknown = unknownFields(schema, object);
  if (!unknown.length) return;
  if (mode === "Strict") throw badRequest(`${prefix}strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`);
  pruneUnknown(schema, object);
  if (mode === "Warn") for (const f of unknown) warnings?.push(`unknown field "${f}"`);
};
