// Kubernetes-shaped API errors (metav1.Status): the same reasons, codes and messages the real API server returns,
// so kubectl and client-node run their real error handling against the lab.
import { ApiError } from "../contracts.js";

/** A group-qualified resource as it appears in messages: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** One entry of details.causes in a Status. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** Formats a group resource the way apimachinery does (`deployments.apps`, `pods`). */
export const qualified = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

const details = (gr: GroupResource, name?: string, kind?: string, extra: Record<string, unknown> = {}) => {
  const d: Record<string, unknown> = {};
  if (name !== undefined) d["name"] = name;
  if (gr.group) d["group"] = gr.group;
  d["kind"] = kind ?? gr.resource;
  return { ...d, ...extra };
};

/** 404 NotFound: `pods "x" not found`. */
export const notFound = (gr: GroupResource, name: string): ApiError =>
  new ApiError(404, "NotFound", `${qualified(gr)} "${name}" not found`, details(gr, name));

/** 409 AlreadyExists: `namespaces "legacy" already exists`. */
export const alreadyExists = (gr: GroupResource, name: string): ApiError =>
  new ApiError(409, "AlreadyExists", `${qualified(gr)} "${name}" already exists`, details(gr, name));

/** 409 Conflict on a stale resourceVersion (optimistic concurrency). */
export const conflict = (gr: GroupResource, name: string, why = "the object has been modified; please apply your changes to the latest version and try again"): ApiError =>
  new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details(gr, name));

/** 409 Conflict with a free message (server-side apply conflicts). */
export const conflictMessage = (gr: GroupResource, name: string, message: string, causes: StatusCause[] = []): ApiError =>
  new ApiError(409, "Conflict", message, details(gr, name, undefined, causes.length ? { causes } : {}));

/** 422 Invalid with field causes: `Pod "x" is invalid: spec.containers: Required value` (kind qualified by group). */
export const invalid = (gvk: { group: string; kind: string }, name: string, causes: StatusCause[]): ApiError => {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  const qualifiedKind = gvk.group ? `${gvk.kind}.${gvk.group}` : gvk.kind;
  return new ApiError(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    ...(gvk.group ? { group: gvk.group } : {}),
    kind: gvk.kind,
    causes,
  });
};

/** Renders a value the way field errors quote it (strings in double quotes, others as JSON). */
const render = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? "null");

/** Field error: `Required value` (FieldValueRequired). */
export const fieldRequired = (field: string, detail?: string): StatusCause => ({
  reason: "FieldValueRequired",
  message: detail ? `Required value: ${detail}` : "Required value",
  field,
});

/** Field error: `Invalid value: "x": detail` (FieldValueInvalid). */
export const fieldInvalid = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  message: `Invalid value: ${render(value)}: ${detail}`,
  field,
});

/** Field error: `Forbidden: detail` (FieldValueForbidden). */
export const fieldForbidden = (field: string, detail: string): StatusCause => ({ reason: "FieldValueForbidden", message: `Forbidden: ${detail}`, field });

/** Field error: `Unsupported value: "x": supported values: "a", "b"` (FieldValueNotSupported). */
export const fieldNotSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: "FieldValueNotSupported",
  message: `Unsupported value: ${render(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}`,
  field,
});

/** Field error: `Too long: may not be more than N bytes` (FieldValueTooLong). */
export const fieldTooLong = (field: string, max: number): StatusCause => ({ reason: "FieldValueTooLong", message: `Too long: may not be more than ${max} bytes`, field });

/** Field error: `Duplicate value: "x"` (FieldValueDuplicate). */
export const fieldDuplicate = (field: string, value: unknown): StatusCause => ({ reason: "FieldValueDuplicate", message: `Duplicate value: ${render(value)}`, field });

/** Field error: `Invalid value: "type": detail` for a value of the wrong JSON type (FieldValueTypeInvalid). */
export const fieldTypeInvalid = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueTypeInvalid",
  message: `Invalid value: ${render(value)}: ${detail}`,
  field,
});

/** 403 Forbidden with the apiserver's wording: `pods "x" is forbidden: <why>`. */
export const forbidden = (gr: GroupResource, name: string, why: string): ApiError =>
  new ApiError(403, "Forbidden", `${qualified(gr)} "${name}" is forbidden: ${why}`, details(gr, name));

/** 400 BadRequest with a free message. */
export const badRequest = (message: string): ApiError => new ApiError(400, "BadRequest", message);

/** 401 Unauthorized (no or bad credentials). */
export const unauthorized = (): ApiError => new ApiError(401, "Unauthorized", "Unauthorized");

/** 405 MethodNotAllowed: the verb is not supported on this resource. */
export const methodNotAllowed = (verb: string, gr: GroupResource): ApiError =>
  new ApiError(405, "MethodNotAllowed", `${verb} is not supported on resources of kind "${qualified(gr)}"`, details(gr));

/** 415 UnsupportedMediaType: `the body of the request was in an unknown format - accepted media types include: …`. */
export const unsupportedMediaType = (contentType: string, accepted: string[]): ApiError =>
  new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`, {
    causes: [{ reason: "UnexpectedServerResponse", message: contentType }],
  });

/** 406 NotAcceptable: none of the Accept types can be produced. */
export const notAcceptable = (accepted: string[]): ApiError =>
  new ApiError(406, "NotAcceptable", `only the following media types are accepted: ${accepted.join(", ")}`);

/** 410 Gone / Expired: a watch or continue token older than the retained history. */
export const gone = (message: string): ApiError => new ApiError(410, "Expired", message);

/** 500 InternalError. */
export const internalError = (message: string): ApiError =>
  new ApiError(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ reason: "", message }] });

/** 504 Timeout. */
export const timeoutError = (message: string): ApiError => new ApiError(504, "Timeout", message);

/** 429 TooManyRequests (used by faults). */
export const tooManyRequests = (message = "the server has received too many requests and has asked us to try again later"): ApiError =>
  new ApiError(429, "TooManyRequests", message, { retryAfterSeconds: 1 });

/** 503 ServiceUnavailable (used by faults). */
export const serviceUnavailable = (message = "the server is currently unable to handle the request"): ApiError =>
  new ApiError(503, "ServiceUnavailable", message);

/** True when `err` is an ApiError with one of the given reasons. */
export const isReason = (err: unknown, ...reasons: string[]): err is ApiError =>
  err instanceof ApiError && reasons.includes(err.reason);

/** Converts any error into the metav1.Status the wire carries (unknown errors become InternalError). */
export const toStatus = (err: unknown): Record<string, unknown> => {
  const e = err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
  const status: Record<string, unknown> = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: e.message,
    reason: e.reason,
  };
  if (e.details && Object.keys(e.details).length) status["details"] = e.details;
  status["code"] = e.code;
  return status;
};

/** Builds an ApiError from a metav1.Status (reactors may answer with a Status). */
export const fromStatus = (status: { code?: number; reason?: string; message?: string; details?: Record<string, unknown> }): ApiError =>
  new ApiError(status.code ?? 500, status.reason ?? "InternalError", status.message ?? "", status.details);
