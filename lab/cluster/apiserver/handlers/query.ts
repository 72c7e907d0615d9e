// Query parameters of API requests, parsed once (the same names and defaults as the apiserver).
import { badRequest } from "../../store/errors.js";
import { parseFieldValidation } from "../../registry/field-validation.js";
import type { DeleteOptions, FieldValidation, ListQuery } from "../../registry/request.js";
import type { IncludeObject } from "../tables/table.js";

/** Parsed query of a request. */
export interface ApiQuery {
  list: ListQuery;
  watch: boolean;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  force: boolean;
  includeObject: IncludeObject;
  delete: DeleteOptions;
}

const bool = (v: string | null): boolean => v === "true" || v === "1";

const int = (params: URLSearchParams, name: string): number | undefined => {
  const v = params.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${v}`);
  return n;
};

/** Parses a request's query string. */
export const parseQuery = (params: URLSearchParams, namespace: string | undefined): ApiQuery => {
  const dryRun = params.getAll("dryRun");
  for (const d of dryRun) if (d !== "All") throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const include = params.get("includeObject") ?? "Metadata";
  if (!["None", "Metadata", "Object"].includes(include)) throw badRequest(`includeObject: Unsupported value: "${include}"`);
  const propagation = params.get("propagationPolicy") ?? undefined;
  if (propagation && !["Foreground", "Background", "Orphan"].includes(propagation)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan"`);
  }
  return {
    list: {
      namespace,
      labelSelector: params.get("labelSelector") ?? undefined,
      fieldSelector: params.get("fieldSelector") ?? undefined,
      limit: int(params, "limit"),
      continue: params.get("continue") ?? undefined,
      resourceVersion: params.get("resourceVersion") ?? undefined,
    },
    watch: bool(params.get("watch")),
    allowWatchBookmarks: bool(params.get("allowWatchBookmarks")),
    timeoutSeconds: int(params, "timeoutSeconds"),
    dryRun: dryRun.length > 0,
    fieldManager: params.get("fieldManager") ?? undefined,
    fieldValidation: parseFieldValidation(params.get("fieldValidation")),
    force: bool(params.get("force")),
    includeObject: include as IncludeObject,
    delete: {
      propagationPolicy: propagation as DeleteOptions["propagationPolicy"],
      gracePeriodSeconds: int(params, "gracePeriodSeconds"),
      orphanDependents: params.has("orphanDependents") ? bool(params.get("orphanDependents")) : undefined,
    },
  };
};
