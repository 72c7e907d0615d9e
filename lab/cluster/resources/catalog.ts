// The catalog of resource types the API server serves: the built-ins (core, apps, discovery, apiextensions,
// admissionregistration, authentication, coordination) and the custom resources of established CRDs. Discovery,
// OpenAPI, routing and validation all read it.
import type { JSONSchema } from "./schema.js";

/** A subresource (`pods/exec`, `deployments/scale`). */
export interface SubresourceDef {
  name: string;
  kind: { group: string; version: string; kind: string };
  verbs: string[];
}

/** A printer column of a custom resource (additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** One version of a resource as served. */
export interface ResourceVersionDef {
  name: string;
  /** CRDs: the version's structural schema. */
  schema?: JSONSchema;
  printerColumns?: PrinterColumn[];
  /** CRDs: the scale subresource's paths. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  deprecated?: boolean;
  deprecationWarning?: string;
}

/** A resource type. */
export interface ResourceDef {
  group: string;
  /** Served versions, preferred (and storage) first. */
  versions: ResourceVersionDef[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceDef[];
  /** Built-ins: the @kubernetes/client-node model name (`V1Pod`) giving the schema. */
  typeName?: string;
  /** Custom resources: the CRD's name. */
  crd?: string;
  /** Field selectors supported besides metadata.name and metadata.namespace. */
  fieldSelectors: string[];
}

/** The standard verbs of a read/write resource. */
export const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

const gvk = (group: string, version: string, kind: string) => ({ group, version, kind });
const status = (group: string, version: string, kind: string): SubresourceDef => ({ name: "status", kind: gvk(group, version, kind), verbs: ["get", "patch", "update"] });
const scale = (): SubresourceDef => ({ name: "scale", kind: gvk("autoscaling", "v1", "Scale"), verbs: ["get", "patch", "update"] });

interface BuiltinInput {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceDef[];
  typeName: string;
  fieldSelectors?: string[];
}

const builtin = (i: BuiltinInput): ResourceDef => ({
  group: i.group ?? "",
  versions: [{ name: i.version ?? "v1" }],
  kind: i.kind,
  listKind: `${i.kind}List`,
  plural: i.plural,
  singular: i.kind.toLowerCase(),
  namespaced: i.namespaced ?? true,
  shortNames: i.shortNames ?? [],
  categories: i.categories ?? [],
  verbs: i.verbs ?? allVerbs,
  subresources: i.subresources ?? [],
  typeName: i.typeName,
  fieldSelectors: i.fieldSelectors ?? [],
});

/** The built-in resources of the lab's cluster. */
export const builtinResources = (): ResourceDef[] => [
  builtin({
    kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"], typeName: "V1Namespace",
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: [status("", "v1", "Namespace"), { name: "finalize", kind: gvk("", "v1", "Namespace"), verbs: ["update"] }],
    fieldSelectors: ["status.phase"],
  }),
  builtin({
    kind: "Pod", plural: "pods", shortNames: ["po"], categories: ["all"], typeName: "V1Pod",
    subresources: [
      status("", "v1", "Pod"),
      { name: "exec", kind: gvk("", "v1", "PodExecOptions"), verbs: ["create", "get"] },
      { name: "log", kind: gvk("", "v1", "Pod"), verbs: ["get"] },
      { name: "binding", kind: gvk("", "v1", "Binding"), verbs: ["create"] },
    ],
    fieldSelectors: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
  }),
  builtin({ kind: "Service", plural: "services", shortNames: ["svc"], categories: ["all"], typeName: "V1Service", verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], subresources: [status("", "v1", "Service")], fieldSelectors: ["spec.clusterIP", "spec.type"] }),
  builtin({ kind: "Endpoints", plural: "endpoints", shortNames: ["ep"], typeName: "V1Endpoints" }),
  builtin({ kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"], typeName: "V1ConfigMap" }),
  builtin({ kind: "Secret", plural: "secrets", typeName: "V1Secret", fieldSelectors: ["type"] }),
  builtin({
    kind: "ServiceAccount", plural: "serviceaccounts", shortNames: ["sa"], typeName: "V1ServiceAccount",
    subresources: [{ name: "token", kind: gvk("authentication.k8s.io", "v1", "TokenRequest"), verbs: ["create"] }],
  }),
  builtin({ kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"], typeName: "V1Node", subresources: [status("", "v1", "Node")], fieldSelectors: ["spec.unschedulable"] }),
  builtin({
    kind: "Event", plural: "events", shortNames: ["ev"], typeName: "CoreV1Event",
    fieldSelectors: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
  }),
  builtin({ group: "apps", kind: "Deployment", plural: "deployments", shortNames: ["deploy"], categories: ["all"], typeName: "V1Deployment", subresources: [status("apps", "v1", "Deployment"), scale()] }),
  builtin({ group: "apps", kind: "ReplicaSet", plural: "replicasets", shortNames: ["rs"], categories: ["all"], typeName: "V1ReplicaSet", subresources: [status("apps", "v1", "ReplicaSet"), scale()], fieldSelectors: ["status.replicas"] }),
  builtin({ group: "discovery.k8s.io", kind: "EndpointSlice", plural: "endpointslices", typeName: "V1EndpointSlice" }),
  builtin({
    group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", namespaced: false,
    shortNames: ["crd", "crds"], categories: ["api-extensions"], typeName: "V1CustomResourceDefinition",
    subresources: [status("apiextensions.k8s.io", "v1", "CustomResourceDefinition")],
  }),
  builtin({ group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations", namespaced: false, categories: ["api-extensions"], typeName: "V1MutatingWebhookConfiguration" }),
  builtin({ group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations", namespaced: false, categories: ["api-extensions"], typeName: "V1ValidatingWebhookConfiguration" }),
  builtin({ group: "authentication.k8s.io", kind: "TokenReview", plural: "tokenreviews", namespaced: false, verbs: ["create"], typeName: "V1TokenReview" }),
  builtin({ group: "authentication.k8s.io", kind: "SelfSubjectReview", plural: "selfsubjectreviews", namespaced: false, verbs: ["create"], typeName: "V1SelfSubjectReview" }),
  builtin({ group: "authorization.k8s.io", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", namespaced: false, verbs: ["create"], typeName: "V1SelfSubjectAccessReview" }),
  builtin({ group: "coordination.k8s.io", kind: "Lease", plural: "leases", typeName: "V1Lease" }),
];

/** Kinds of subresource and virtual (create-only, never stored) resources. */
export const virtualResources = new Set(["tokenreviews", "selfsubjectreviews", "selfsubjectaccessreviews"]);

/** The apiVersion string of a group and version (`v1`, `apps/v1`). */
export const apiVersionOf = (group: string, version: string): string => (group ? `${group}/${version}` : version);

/** Splits an apiVersion into group and version. */
export const parseApiVersion = (apiVersion: string): { group: string; version: string } => {
  const i = apiVersion.lastIndexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
};

/** The catalog: built-ins plus custom resources, with change notifications (discovery and OpenAPI follow it). */
export class ResourceCatalog {
  private readonly builtins: ResourceDef[];
  private custom = new Map<string, ResourceDef>();
  private readonly listeners = new Set<() => void>();
  private generation = 0;

  constructor() {
    this.builtins = builtinResources();
  }

  /** Every resource, built-ins first. */
  all(): ResourceDef[] {
    return [...this.builtins, ...[...this.custom.values()].sort((a, b) => (a.group + a.plural).localeCompare(b.group + b.plural))];
  }

  /** Changes each time a custom resource is added or removed (cache key for discovery and OpenAPI). */
  version(): number {
    return this.generation;
  }

  /** Finds a resource by group and plural, optionally checking the version is served. */
  find(group: string, plural: string, version?: string): ResourceDef | undefined {
    const def = this.all().find((d) => d.group === group && d.plural === plural);
    if (def && version !== undefined && !def.versions.some((v) => v.name === version)) return undefined;
    return def;
  }

  /** Finds a resource by group and kind. */
  findKind(group: string, kind: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.kind === kind);
  }

  /** Sets (adds or replaces) the custom resource served for a CRD. */
  setCustom(def: ResourceDef): void {
    const before = JSON.stringify(this.custom.get(def.crd!));
    this.custom.set(def.crd!, def);
    if (before !== JSON.stringify(def)) this.changed();
  }

  /** Stops serving a CRD's custom resource. */
  removeCustom(crdName: string): void {
    if (this.custom.delete(crdName)) this.changed();
  }

  /** Calls `listener` after every change. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.generation++;
    for (const l of this.listeners) l();
  }
}
