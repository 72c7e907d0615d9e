// From a CustomResourceDefinition object to the resource the API server serves (names, versions, schemas,
// printer columns, scale) — only for CRDs whose names were accepted.
import type { KubeObject } from "../contracts.js";
import { allVerbs, type ResourceDef, type ResourceVersionDef, type SubresourceDef } from "./catalog.js";
import type { JSONSchema } from "./schema.js";

type Obj = Record<string, any>;

/** The served custom resource of an established CRD (undefined when it has no served version). */
export const crdToResourceDef = (crd: KubeObject): ResourceDef | undefined => {
  const spec = crd.spec as Obj;
  const names = ((crd.status as Obj | undefined)?.["acceptedNames"] as Obj | undefined)?.["plural"] ? (crd.status as Obj)["acceptedNames"] : spec["names"];
  const versions = ((spec["versions"] as Obj[]) ?? []).filter((v) => v["served"]);
  if (!versions.length) return undefined;
  const storage = versions.find((v) => v["storage"]);
  const ordered = storage ? [storage, ...versions.filter((v) => v !== storage)] : versions;
  const defs: ResourceVersionDef[] = ordered.map((v) => ({
    name: v["name"],
    schema: v["schema"]?.["openAPIV3Schema"] as JSONSchema | undefined,
    printerColumns: v["additionalPrinterColumns"],
    scale: v["subresources"]?.["scale"],
    deprecated: v["deprecated"] === true,
    deprecationWarning: v["deprecationWarning"],
  }));
  const group = spec["group"] as string;
  const kind = names["kind"] as string;
  const first = ordered[0]!;
  const subresources: SubresourceDef[] = [];
  if (first["subresources"]?.["status"] !== undefined) subresources.push({ name: "status", kind: { group, version: first["name"], kind }, verbs: ["get", "patch", "update"] });
  if (first["subresources"]?.["scale"] !== undefined) subresources.push({ name: "scale", kind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] });
  return {
    group,
    versions: defs,
    kind,
    listKind: names["listKind"] ?? `${kind}List`,
    plural: names["plural"],
    singular: names["singular"] ?? kind.toLowerCase(),
    namespaced: spec["scope"] === "Namespaced",
    shortNames: names["shortNames"] ?? [],
    categories: names["categories"] ?? [],
    verbs: allVerbs,
    subresources,
    crd: crd.metadata.name,
    fieldSelectors: ((first["selectableFields"] as Obj[] | undefined) ?? []).map((f) => String(f["jsonPath"]).replace(/^\./, "")),
  };
};

/** True when the CRD's conditions say Established=True. */
export const isEstablished = (crd: KubeObject): boolean =>
  ((crd.status as Obj | undefined)?.["conditions"] as Obj[] | undefined)?.some((c) => c["type"] === "Established" && c["status"] === "True") ?? false;
