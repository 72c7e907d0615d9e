// One schema model for every resource: built-in types come from @kubernetes/client-node's generated type maps,
// custom resources from their CRD's structural openAPIV3Schema. Strict field validation, pruning, defaulting,
// strategic-merge-patch list keys and server-side-apply field ownership all walk this model.
import * as k8s from "@kubernetes/client-node";

/** How a list merges (x-kubernetes-list-type / patchStrategy+patchMergeKey). */
export type ListSemantics = { type: "atomic" } | { type: "set" } | { type: "map"; keys: string[] };

/** A node of a schema tree. */
export interface SchemaNode {
  kind: "object" | "map" | "list" | "scalar" | "any";
  /** Known fields of an object (lazy: built-in types are recursive). */
  fields?: () => Map<string, SchemaNode>;
  /** Element schema of a map or list. */
  elem?: SchemaNode;
  /** Lists: how they merge. */
  list?: ListSemantics;
  /** Objects: keep fields the schema does not name. */
  preserveUnknown?: boolean;
  /** Objects: strategic merge patch `retainKeys` strategy. */
  retainKeys?: boolean;
  /** Scalars: the JSON types accepted. */
  scalar?: Array<"string" | "integer" | "number" | "boolean">;
  /** CRDs: the raw JSON schema this node came from (for value validation and defaults). */
  json?: JSONSchema;
  /** Embedded object (x-kubernetes-embedded-resource): apiVersion/kind/metadata allowed. */
  embedded?: boolean;
}

/** The subset of a JSON schema (apiextensions v1 JSONSchemaProps) the lab understands. */
export interface JSONSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchema>;
  additionalProperties?: JSONSchema | boolean;
  items?: JSONSchema;
  required?: string[];
  enum?: unknown[];
  nullable?: boolean;
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  oneOf?: JSONSchema[];
  anyOf?: JSONSchema[];
  allOf?: JSONSchema[];
  not?: JSONSchema;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
  [key: string]: unknown;
}

/** Lists of built-in types that merge by key or as sets (the Go types' patchMergeKey / listType markers). */
const builtinLists: Record<string, ListSemantics> = {
  "V1ObjectMeta.finalizers": { type: "set" },
  "V1ObjectMeta.ownerReferences": { type: "map", keys: ["uid"] },
  "V1ObjectMeta.managedFields": { type: "atomic" },
  "V1PodSpec.containers": { type: "map", keys: ["name"] },
  "V1PodSpec.initContainers": { type: "map", keys: ["name"] },
  "V1PodSpec.ephemeralContainers": { type: "map", keys: ["name"] },
  "V1PodSpec.volumes": { type: "map", keys: ["name"] },
  "V1PodSpec.imagePullSecrets": { type: "map", keys: ["name"] },
  "V1PodSpec.hostAliases": { type: "map", keys: ["ip"] },
  "V1PodSpec.topologySpreadConstraints": { type: "map", keys: ["topologyKey", "whenUnsatisfiable"] },
  "V1PodSpec.resourceClaims": { type: "map", keys: ["name"] },
  "V1PodSpec.schedulingGates": { type: "map", keys: ["name"] },
  "V1Container.ports": { type: "map", keys: ["containerPort", "protocol"] },
  "V1Container.env": { type: "map", keys: ["name"] },
  "V1Container.volumeMounts": { type: "map", keys: ["mountPath"] },
  "V1Container.volumeDevices": { type: "map", keys: ["devicePath"] },
  "V1EphemeralContainer.ports": { type: "map", keys: ["containerPort", "protocol"] },
  "V1EphemeralContainer.env": { type: "map", keys: ["name"] },
  "V1EphemeralContainer.volumeMounts": { type: "map", keys: ["mountPath"] },
  "V1ServiceSpec.ports": { type: "map", keys: ["port", "protocol"] },
  "V1PodStatus.conditions": { type: "map", keys: ["type"] },
  "V1PodStatus.podIPs": { type: "map", keys: ["ip"] },
  "V1PodStatus.hostIPs": { type: "map", keys: ["ip"] },
  "V1NodeStatus.conditions": { type: "map", keys: ["type"] },
  "V1NodeStatus.addresses": { type: "map", keys: ["type"] },
  "V1NodeSpec.podCIDRs": { type: "set" },
  "V1NamespaceStatus.conditions": { type: "map", keys: ["type"] },
  "V1DeploymentStatus.conditions": { type: "map", keys: ["type"] },
  "V1ReplicaSetStatus.conditions": { type: "map", keys: ["type"] },
  "V1ServiceStatus.conditions": { type: "map", keys: ["type"] },
  "V1ServiceAccount.secrets": { type: "map", keys: ["name"] },
  "V1MutatingWebhookConfiguration.webhooks": { type: "map", keys: ["name"] },
  "V1ValidatingWebhookConfiguration.webhooks": { type: "map", keys: ["name"] },
  "V1CustomResourceDefinitionStatus.conditions": { type: "map", keys: ["type"] },
};

/** Built-in object types whose strategic-merge strategy is `retainKeys`. */
const builtinRetainKeys = new Set(["V1DeploymentSpec.strategy", "V1PodSpec.volumes[]"]);

interface AttributeType {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

const classes = k8s as unknown as Record<string, { getAttributeTypeMap?: () => AttributeType[] } | undefined>;
const builtinCache = new Map<string, SchemaNode>();

/** True when @kubernetes/client-node knows a model type named `typeName` (`V1Pod`). */
export const hasBuiltinType = (typeName: string): boolean => typeof classes[typeName]?.getAttributeTypeMap === "function";

/** The schema of a built-in type by its client-node model name (`V1Pod`, `CoreV1Event`). */
export const builtinSchema = (typeName: string): SchemaNode => {
  const cached = builtinCache.get(typeName);
  if (cached) return cached;
  const attrs = classes[typeName]?.getAttributeTypeMap?.();
  if (!attrs) throw new Error(`unknown built-in type ${typeName}`);
  let fields: Map<string, SchemaNode> | undefined;
  const node: SchemaNode = {
    kind: "object",
    fields: () => {
      if (!fields) {
        fields = new Map();
        for (const a of attrs) fields.set(a.baseName, typeNode(a.type, a.format, `${typeName}.${a.baseName}`));
      }
      return fields;
    },
  };
  builtinCache.set(typeName, node);
  return node;
};

const typeNode = (type: string, format: string, where: string): SchemaNode => {
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) {
    const elem = typeNode(arr[1]!, "", `${where}[]`);
    return { kind: "list", elem, list: builtinLists[where] ?? { type: "atomic" } };
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { kind: "map", elem: typeNode(map[1]!, "", `${where}{}`) };
  switch (type) {
    case "string":
      return { kind: "scalar", scalar: ["string"] };
    case "Date":
      return { kind: "scalar", scalar: ["string"] };
    case "number":
      return { kind: "scalar", scalar: format === "double" || format === "float" ? ["number", "integer"] : ["integer", "number"] };
    case "boolean":
      return { kind: "scalar", scalar: ["boolean"] };
    case "IntOrString":
      return { kind: "scalar", scalar: ["integer", "string"] };
    case "any":
    case "object":
      return { kind: "any" };
    default: {
      if (!hasBuiltinType(type)) return { kind: "any" };
      const base = builtinSchema(type);
      return builtinRetainKeys.has(where) ? { ...base, retainKeys: true } : base;
    }
  }
};

/** The schema of an object under the standard ObjectMeta (used for custom resources' metadata). */
export const objectMetaSchema = (): SchemaNode => builtinSchema("V1ObjectMeta");

/** Builds a schema node from a CRD's structural JSON schema. `root` adds apiVersion/kind/metadata. */
export const crdSchema = (schema: JSONSchema | undefined, root = true): SchemaNode => {
  const node = jsonNode(schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true });
  if (root && node.kind === "object") {
    const inner = node.fields;
    node.fields = () => {
      const f = new Map(inner?.() ?? []);
      f.set("apiVersion", { kind: "scalar", scalar: ["string"] });
      f.set("kind", { kind: "scalar", scalar: ["string"] });
      f.set("metadata", objectMetaSchema());
      return f;
    };
  }
  return node;
};

const jsonNode = (s: JSONSchema): SchemaNode => {
  if (s["x-kubernetes-int-or-string"]) return { kind: "scalar", scalar: ["integer", "string"], json: s };
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  switch (s.type) {
    case "object": {
      if (s.properties || !s.additionalProperties || s.additionalProperties === true) {
        const props = s.properties ?? {};
        let fields: Map<string, SchemaNode> | undefined;
        const node: SchemaNode = {
          kind: "object",
          json: s,
          preserveUnknown: preserve || (!s.properties && s.additionalProperties === true),
          fields: () => {
            if (!fields) {
              fields = new Map(Object.entries(props).map(([k, v]) => [k, jsonNode(v)]));
              if (s["x-kubernetes-embedded-resource"]) {
                fields.set("apiVersion", { kind: "scalar", scalar: ["string"] });
                fields.set("kind", { kind: "scalar", scalar: ["string"] });
                fields.set("metadata", objectMetaSchema());
              }
            }
            return fields;
          },
          embedded: s["x-kubernetes-embedded-resource"] === true,
        };
        return node;
      }
      return { kind: "map", elem: jsonNode(s.additionalProperties as JSONSchema), json: s, preserveUnknown: preserve };
    }
    case "array": {
      const listType = s["x-kubernetes-list-type"];
      const list: ListSemantics =
        listType === "map" ? { type: "map", keys: s["x-kubernetes-list-map-keys"] ?? [] } : listType === "set" ? { type: "set" } : { type: "atomic" };
      return { kind: "list", elem: s.items ? jsonNode(s.items) : { kind: "any" }, list, json: s };
    }
    case "string":
      return { kind: "scalar", scalar: ["string"], json: s };
    case "integer":
      return { kind: "scalar", scalar: ["integer"], json: s };
    case "number":
      return { kind: "scalar", scalar: ["number", "integer"], json: s };
    case "boolean":
      return { kind: "scalar", scalar: ["boolean"], json: s };
    default:
      return preserve || !s.type ? { kind: "any", json: s, preserveUnknown: true } : { kind: "any", json: s };
  }
};

/** The schema of a child: a field of an object, the value of a map, the item of a list. */
export const childSchema = (node: SchemaNode | undefined, key: string | number): SchemaNode | undefined => {
  if (!node) return undefined;
  if (node.kind === "object") return node.fields?.().get(String(key)) ?? (node.preserveUnknown ? { kind: "any" } : undefined);
  if (node.kind === "map" || node.kind === "list") return node.elem;
  if (node.kind === "any") return { kind: "any" };
  return undefined;
};

/** Formats a path the way apimachinery's strict decoder does: `spec.containers[0].name`. */
export const formatPath = (path: Array<string | number>): string =>
  path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");

/** Paths of fields the schema does not know (what `fieldValidation=Strict` rejects and pruning drops). */
export const unknownFields = (node: SchemaNode, value: unknown, path: Array<string | number> = []): string[] => {
  if (value === null || typeof value !== "object") return [];
  const out: string[] = [];
  if (Array.isArray(value)) {
    if (node.kind === "list" && node.elem) value.forEach((v, i) => out.push(...unknownFields(node.elem!, v, [...path, i])));
    return out;
  }
  if (node.kind === "map" && node.elem) {
    for (const [k, v] of Object.entries(value)) out.push(...unknownFields(node.elem, v, [...path, k]));
    return out;
  }
  if (node.kind !== "object") return out;
  const fields = node.fields?.() ?? new Map<string, SchemaNode>();
  for (const [k, v] of Object.entries(value)) {
    const child = fields.get(k);
    if (!child) {
      if (!node.preserveUnknown) out.push(formatPath([...path, k]));
      continue;
    }
    out.push(...unknownFields(child, v, [...path, k]));
  }
  return out;
};

/** Removes fields the schema does not know (in place); returns the removed paths. */
export const pruneUnknown = (node: SchemaNode, value: unknown, path: Array<string | number> = []): string[] => {
  if (value === null || typeof value !== "object") return [];
  const out: string[] = [];
  if (Array.isArray(value)) {
    if (node.kind === "list" && node.elem) value.forEach((v, i) => out.push(...pruneUnknown(node.elem!, v, [...path, i])));
    return out;
  }
  const obj = value as Record<string, unknown>;
  if (node.kind === "map" && node.elem) {
    for (const [k, v] of Object.entries(obj)) out.push(...pruneUnknown(node.elem, v, [...path, k]));
    return out;
  }
  if (node.kind !== "object") return out;
  const fields = node.fields?.() ?? new Map<string, SchemaNode>();
  for (const [k, v] of Object.entries(obj)) {
    const child = fields.get(k);
    if (!child) {
      if (!node.preserveUnknown) {
        delete obj[k];
        out.push(formatPath([...path, k]));
      }
      continue;
    }
    out.push(...pruneUnknown(child, v, [...path, k]));
  }
  return out;
};
