// OpenAPI documents: the v3 index (`/openapi/v3`) and one document per group-version with paths whose PATCH
// operations carry x-kubernetes-group-version-kind and the `fieldValidation` parameter (kubectl then validates
// server-side), plus component schemas (built-ins from client-node's type maps, custom resources from their
// CRD schema) for `kubectl explain`. `/openapi/v2` is served as JSON only.
import { createHash } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { apiVersionOf, type ResourceCatalog, type ResourceDef } from "../resources/catalog.js";

type Obj = Record<string, unknown>;

interface AttributeType {
  baseName: string;
  type: string;
  format: string;
}

const classes = k8s as unknown as Record<string, { getAttributeTypeMap?: () => AttributeType[] } | undefined>;

/** The component name of a client-node model (`V1ObjectMeta` → `io.k8s.lab.ObjectMeta`). */
const componentName = (typeName: string): string =>
  `io.k8s.lab.${typeName.replace(/^(?:[A-Z][a-z]+)*V\d+(?:alpha\d+|beta\d+)?(?=[A-Z])/, "")}`;

const scalar = (type: string, format: string): Obj | undefined => {
  switch (type) {
    case "string":
      return { type: "string", ...(format ? { format } : {}) };
    case "Date":
      return { type: "string", format: "date-time" };
    case "number":
      return { type: format === "double" ? "number" : "integer", ...(format ? { format } : {}) };
    case "boolean":
      return { type: "boolean" };
    case "IntOrString":
      return { type: "string", format: "int-or-string", "x-kubernetes-int-or-string": true };
    case "any":
    case "object":
      return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    default:
      return undefined;
  }
};

const schemaOfType = (type: string, format: string, components: Record<string, Obj>): Obj => {
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return { type: "array", items: schemaOfType(arr[1]!, "", components) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: "object", additionalProperties: schemaOfType(map[1]!, "", components) };
  const s = scalar(type, format);
  if (s) return s;
  const attrs = classes[type]?.getAttributeTypeMap?.();
  if (!attrs) return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const name = componentName(type);
  if (!components[name]) {
    components[name] = { type: "object" };
    const properties: Record<string, Obj> = {};
    for (const a of attrs) properties[a.baseName] = schemaOfType(a.type, a.format, components);
    components[name] = { type: "object", properties };
  }
  return { allOf: [{ $ref: `#/components/schemas/${name}` }] };
};

const param = (name: string, description: string, schema: Obj = { type: "string", uniqueItems: true }): Obj => ({ name, in: "query", description, schema });
const queryParams = {
  dryRun: param("dryRun", "When present, indicates that modifications should not be persisted."),
  fieldManager: param("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
  fieldValidation: param("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, Warn (default), Strict."),
  force: param("force", "Force is going to \"force\" Apply requests.", { type: "boolean", uniqueItems: true }),
  pretty: param("pretty", "If 'true', then the output is pretty printed."),
  labelSelector: param("labelSelector", "A selector to restrict the list of returned objects by their labels."),
  fieldSelector: param("fieldSelector", "A selector to restrict the list of returned objects by their fields."),
  limit: param("limit", "limit is a maximum number of responses to return for a list call.", { type: "integer", uniqueItems: true }),
  continue: param("continue", "The continue option should be set when retrieving more results from the server."),
  watch: param("watch", "Watch for changes to the described resources.", { type: "boolean", uniqueItems: true }),
  resourceVersion: param("resourceVersion", "resourceVersion sets a constraint on what resource versions a request may be served from."),
  propagationPolicy: param("propagationPolicy", "Whether and how garbage collection will be performed."),
  gracePeriodSeconds: param("gracePeriodSeconds", "The duration in seconds before the object should be deleted.", { type: "integer", uniqueItems: true }),
};

const json = (ref: Obj): Obj => ({ content: { "application/json": { schema: ref }, "application/yaml": { schema: ref } } });

const operation = (def: ResourceDef, version: string, action: string, id: string, parameters: Obj[], ref: Obj, code = "200"): Obj => ({
  tags: [def.group ? `${def.group.replace(/\./g, "_")}_${version}` : `core_${version}`],
  operationId: id,
  parameters,
  responses: { [code]: { description: "OK", ...json(ref) }, "401": { description: "Unauthorized" } },
  "x-kubernetes-action": action,
  "x-kubernetes-group-version-kind": { group: def.group, version, kind: def.kind },
});

const pascal = (s: string): string => s.replace(/(^|[-.])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());

/** The OpenAPI v3 document of one group-version. */
export const openApiV3Document = (catalog: ResourceCatalog, group: string, version: string, gitVersion: string): Obj | undefined => {
  const defs = catalog.all().filter((d) => d.group === group && d.versions.some((v) => v.name === version));
  if (!defs.length) return undefined;
  const components: Record<string, Obj> = {};
  const paths: Record<string, Obj> = {};
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const nsParam: Obj = { name: "namespace", in: "path", required: true, description: "object name and auth scope, such as for teams and projects", schema: { type: "string", uniqueItems: true } };
  const nameParam: Obj = { name: "name", in: "path", required: true, description: "name of the resource", schema: { type: "string", uniqueItems: true } };
  for (const def of defs) {
    let ref: Obj;
    if (def.typeName) ref = schemaOfType(def.typeName, "", components);
    else {
      const name = `${def.group.split(".").reverse().join(".")}.${version}.${def.kind}`;
      const schema = structuredClone((def.versions.find((v) => v.name === version)?.schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true }) as Obj);
      const props = (schema["properties"] ??= {}) as Obj;
      props["apiVersion"] = { type: "string" };
      props["kind"] = { type: "string" };
      props["metadata"] = schemaOfType("V1ObjectMeta", "", components);
      components[name] = schema;
      ref = { $ref: `#/components/schemas/${name}` };
    }
    const target = ((ref["allOf"] as Obj[] | undefined)?.[0]?.["$ref"] ?? ref["$ref"]) as string;
    const component = components[target.replace("#/components/schemas/", "")]!;
    component["x-kubernetes-group-version-kind"] = [{ group: def.group, version, kind: def.kind }];
    const listRef: Obj = { type: "object", properties: { apiVersion: { type: "string" }, kind: { type: "string" }, items: { type: "array", items: ref }, metadata: { type: "object" } } };
    const base = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
    const scopeParams = def.namespaced ? [nsParam] : [];
    const id = `${pascal(def.group ? def.group.split(".")[0]! : "core")}${pascal(version)}${def.namespaced ? "Namespaced" : ""}${def.kind}`;
    const collection: Obj = { parameters: [...scopeParams, queryParams.pretty] };
    if (def.verbs.includes("list")) collection["get"] = operation(def, version, "list", `list${id}`, [queryParams.labelSelector, queryParams.fieldSelector, queryParams.limit, queryParams.continue, queryParams.watch, queryParams.resourceVersion], listRef);
    if (def.verbs.includes("create")) collection["post"] = operation(def, version, "post", `create${id}`, [queryParams.dryRun, queryParams.fieldManager, queryParams.fieldValidation], ref, "201");
    if (def.verbs.includes("deletecollection")) collection["delete"] = operation(def, version, "deletecollection", `deletecollection${id}`, [queryParams.labelSelector, queryParams.fieldSelector, queryParams.propagationPolicy, queryParams.gracePeriodSeconds], ref);
    paths[base] = collection;
    const item: Obj = { parameters: [nameParam, ...scopeParams, queryParams.pretty] };
    if (def.verbs.includes("get")) item["get"] = operation(def, version, "get", `read${id}`, [], ref);
    if (def.verbs.includes("update")) item["put"] = operation(def, version, "put", `replace${id}`, [queryParams.dryRun, queryParams.fieldManager, queryParams.fieldValidation], ref);
    if (def.verbs.includes("patch")) item["patch"] = operation(def, version, "patch", `patch${id}`, [queryParams.dryRun, queryParams.fieldManager, queryParams.fieldValidation, queryParams.force], ref);
    if (def.verbs.includes("delete")) item["delete"] = operation(def, version, "delete", `delete${id}`, [queryParams.dryRun, queryParams.gracePeriodSeconds, queryParams.propagationPolicy], ref);
    paths[`${base}/{name}`] = item;
    if (def.namespaced && def.verbs.includes("list")) {
      paths[`${prefix}/${def.plural}`] = { parameters: [queryParams.pretty], get: operation(def, version, "list", `list${id.replace("Namespaced", "")}ForAllNamespaces`, [queryParams.labelSelector, queryParams.fieldSelector, queryParams.limit, queryParams.continue, queryParams.watch], listRef) };
    }
    for (const sub of def.subresources) {
      if (sub.name !== "status" && sub.name !== "scale") continue;
      const subRef = sub.name === "scale" ? schemaOfType("V1Scale", "", components) : ref;
      const subOps: Obj = { parameters: [nameParam, ...scopeParams, queryParams.pretty] };
      const subDef = sub.name === "scale" ? { ...def, group: "autoscaling", kind: "Scale" } : def;
      const subVersion = sub.name === "scale" ? "v1" : version;
      subOps["get"] = operation(subDef, subVersion, "get", `read${id}${pascal(sub.name)}`, [], subRef);
      subOps["put"] = operation(subDef, subVersion, "put", `replace${id}${pascal(sub.name)}`, [queryParams.dryRun, queryParams.fieldManager, queryParams.fieldValidation], subRef);
      subOps["patch"] = operation(subDef, subVersion, "patch", `patch${id}${pascal(sub.name)}`, [queryParams.dryRun, queryParams.fieldManager, queryParams.fieldValidation, queryParams.force], subRef);
      paths[`${base}/{name}/${sub.name}`] = subOps;
    }
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: gitVersion },
    paths,
    components: { schemas: components, securitySchemes: { BearerToken: { type: "apiKey", description: "Bearer Token authentication", name: "authorization", in: "header" } } },
  };
};

/** Caches the documents per catalog version and answers the index and per-group-version requests. */
export class OpenApiService {
  private cacheVersion = -1;
  private docs = new Map<string, { body: string; hash: string }>();

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly gitVersion: string,
  ) {}

  private refresh(): void {
    if (this.cacheVersion === this.catalog.version()) return;
    this.docs.clear();
    const gvs = new Set<string>();
    for (const d of this.catalog.all()) for (const v of d.versions) gvs.add(`${d.group}\u0000${v.name}`);
    for (const gv of gvs) {
      const [group, version] = gv.split("\u0000") as [string, string];
      const doc = openApiV3Document(this.catalog, group, version, this.gitVersion);
      if (!doc) continue;
      const body = JSON.stringify(doc);
      const key = group ? `apis/${apiVersionOf(group, version)}` : `api/${version}`;
      this.docs.set(key, { body, hash: createHash("sha512").update(body).digest("hex").slice(0, 128).toUpperCase() });
    }
    this.cacheVersion = this.catalog.version();
  }

  /** `GET /openapi/v3`. */
  index(): Obj {
    this.refresh();
    const paths: Record<string, Obj> = {};
    for (const [key, d] of [...this.docs].sort(([a], [b]) => a.localeCompare(b))) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
    return { paths };
  }

  /** `GET /openapi/v3/<key>`: the JSON body and its hash, or undefined. */
  document(key: string): { body: string; hash: string } | undefined {
    this.refresh();
    return this.docs.get(key);
  }

  /** `GET /openapi/v2` (JSON): a Swagger 2.0 document with every path (no definitions). */
  swagger(): Obj {
    this.refresh();
    const paths: Obj = {};
    for (const d of this.docs.values()) {
      const doc = JSON.parse(d.body) as { paths: Record<string, Obj> };
      for (const [p, item] of Object.entries(doc.paths)) {
        const converted: Obj = {};
        for (const [method, op] of Object.entries(item)) {
          if (method === "parameters") continue;
          const o = { ...(op as Obj) };
          delete o["responses"];
          o["responses"] = { "200": { description: "OK" } };
          if (method === "patch") o["consumes"] = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];
          converted[method] = o;
        }
        paths[p] = converted;
      }
    }
    return { swagger: "2.0", info: { title: "Kubernetes", version: this.gitVersion }, paths, definitions: {} };
  }
}
