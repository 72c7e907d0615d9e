// meta.k8s.io/v1 Table responses (what `kubectl get` asks for with `Accept: application/json;as=Table;…`).
import type { KubeObject } from "../../contracts.js";
import type { ResourceDef } from "../../resources/catalog.js";
import { printerFor } from "./printers.js";

/** `?includeObject=`: what each row carries besides its cells. */
export type IncludeObject = "None" | "Metadata" | "Object";

/** The PartialObjectMetadata kubectl expects in `row.object` (kind is required). */
const partial = (o: KubeObject): KubeObject => ({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata });

/** Builds a Table of `objects`; `withColumns` false leaves columnDefinitions out (watch events after the first). */
export const toTable = (options: {
  def: ResourceDef;
  version?: string;
  objects: KubeObject[];
  listMetadata?: Record<string, unknown>;
  includeObject?: IncludeObject;
  withColumns?: boolean;
  now?: number;
}): KubeObject => {
  const { def, version, objects, includeObject = "Metadata", withColumns = true } = options;
  const now = options.now ?? Date.now();
  const printer = printerFor(def, version);
  const rows = objects.map((o) => {
    const row: Record<string, unknown> = { cells: printer.cells(o, now) };
    if (includeObject === "Object") row["object"] = o;
    else if (includeObject === "Metadata") row["object"] = partial(o);
    return row;
  });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: (options.listMetadata ?? {}) as KubeObject["metadata"],
    columnDefinitions: withColumns ? printer.columns : [],
    rows,
  };
};
