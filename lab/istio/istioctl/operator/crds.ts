// Istio's CustomResourceDefinitions per release (names, short names, categories, served and storage versions, printer
// columns as the release's crd-all.gen.yaml declares them), as apiextensions.k8s.io/v1 objects with the lab's
// structural schemas. 1.8's own file is apiextensions v1beta1, which a current API server no longer serves: the lab
// installs the same definitions as v1.
import type { ReleaseFacts } from "../../release/versions.js";
import { crdRootSchema } from "./crd-schemas.js";

/** One Istio resource type. */
interface IstioKind {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  /** Printer columns besides Age (Age goes where the release put it). */
  columns?: Array<{ name: string; jsonPath: string; description: string }>;
  /** Has an Age column (kinds without one have no printer columns at all). */
  age?: boolean;
  /** Age before the other columns (WorkloadEntry). */
  ageFirst?: boolean;
  /** The printer columns appeared in this release [≈]. */
  columnsSince?: string;
  /** First release that has it, and the last (undefined = still there). */
  since?: string;
  until?: string;
}

const AGE_DESCRIPTION =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md#metadata";

const KINDS: readonly IstioKind[] = [
  { group: "networking.istio.io", kind: "DestinationRule", plural: "destinationrules", shortNames: ["dr"], age: true, columns: [{ name: "Host", jsonPath: ".spec.host", description: "The name of a service from the service registry" }] },
  { group: "networking.istio.io", kind: "EnvoyFilter", plural: "envoyfilters" },
  { group: "networking.istio.io", kind: "Gateway", plural: "gateways", shortNames: ["gw"] },
  { group: "networking.istio.io", kind: "ProxyConfig", plural: "proxyconfigs", since: "1.13.0" },
  {
    group: "networking.istio.io",
    kind: "ServiceEntry",
    plural: "serviceentries",
    shortNames: ["se"],
    age: true,
    columns: [
      { name: "Hosts", jsonPath: ".spec.hosts", description: "The hosts associated with the ServiceEntry" },
      { name: "Location", jsonPath: ".spec.location", description: "Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)" },
      { name: "Resolution", jsonPath: ".spec.resolution", description: "Service resolution mode for the hosts (NONE, STATIC, or DNS)" },
    ],
  },
  { group: "networking.istio.io", kind: "Sidecar", plural: "sidecars" },
  {
    group: "networking.istio.io",
    kind: "VirtualService",
    plural: "virtualservices",
    shortNames: ["vs"],
    age: true,
    columns: [
      { name: "Gateways", jsonPath: ".spec.gateways", description: "The names of gateways and sidecars that should apply these routes" },
      { name: "Hosts", jsonPath: ".spec.hosts", description: "The destination hosts to which traffic is being sent" },
    ],
  },
  { group: "networking.istio.io", kind: "WorkloadEntry", plural: "workloadentries", shortNames: ["we"], age: true, ageFirst: true, columns: [{ name: "Address", jsonPath: ".spec.address", description: "Address associated with the network endpoint." }] },
  { group: "networking.istio.io", kind: "WorkloadGroup", plural: "workloadgroups", shortNames: ["wg"], age: true },
  { group: "security.istio.io", kind: "AuthorizationPolicy", plural: "authorizationpolicies", age: true, columnsSince: "1.9.0", columns: [{ name: "Action", jsonPath: ".spec.action", description: "The operation to take." }] },
  { group: "security.istio.io", kind: "PeerAuthentication", plural: "peerauthentications", shortNames: ["pa"], age: true, columnsSince: "1.9.0", columns: [{ name: "Mode", jsonPath: ".spec.mtls.mode", description: "Defines the mTLS mode used for peer authentication." }] },
  { group: "security.istio.io", kind: "RequestAuthentication", plural: "requestauthentications", shortNames: ["ra"] },
  { group: "telemetry.istio.io", kind: "Telemetry", plural: "telemetries", shortNames: ["telemetry"], age: true, since: "1.11.0" },
  { group: "extensions.istio.io", kind: "WasmPlugin", plural: "wasmplugins", age: true, since: "1.12.0" },
  { group: "extensions.istio.io", kind: "TrafficExtension", plural: "trafficextensions", age: true, since: "1.30.0" },
];

/** Served versions of a kind in a release, storage first; undefined when the release does not have it. */
const versionsOf = (k: IstioKind, atLeast: (v: string) => boolean): { names: string[]; storage: string } | undefined => {
  if (k.since && !atLeast(k.since)) return undefined;
  switch (k.group) {
    case "networking.istio.io": {
      if (k.kind === "EnvoyFilter") return { names: ["v1alpha3"], storage: "v1alpha3" };
      if (k.kind === "ProxyConfig") return { names: ["v1beta1"], storage: "v1beta1" };
      if (k.kind === "WorkloadGroup" && !atLeast("1.9.0")) return { names: ["v1alpha3"], storage: "v1alpha3" };
      // v1 served from 1.22 [≈] and the storage version in 1.30
      return atLeast("1.22.0") ? { names: ["v1", "v1alpha3", "v1beta1"], storage: "v1" } : { names: ["v1alpha3", "v1beta1"], storage: "v1alpha3" };
    }
    case "security.istio.io":
      return atLeast("1.22.0") ? { names: ["v1", "v1beta1"], storage: "v1" } : { names: ["v1beta1"], storage: "v1beta1" };
    case "telemetry.istio.io":
      return atLeast("1.22.0") ? { names: ["v1", "v1alpha1"], storage: "v1alpha1" } : { names: ["v1alpha1"], storage: "v1alpha1" };
    default:
      return { names: ["v1alpha1"], storage: "v1alpha1" };
  }
};

/** Printer columns of a kind in a release. */
const columnsOf = (k: IstioKind, atLeast: (v: string) => boolean): Array<Record<string, string>> => {
  if (!k.age || (k.columnsSince && !atLeast(k.columnsSince))) return [];
  const age = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: AGE_DESCRIPTION };
  const cols = (k.columns ?? []).map((c) => ({ ...c, type: "string" }));
  return k.ageFirst ? [age, ...cols] : [...cols, age];
};

/** Labels the release puts on its CRDs. */
const crdLabels = (facts: ReleaseFacts, k: IstioKind): Record<string, string> | undefined => {
  if (facts.version.minor >= 21) return { "app.kubernetes.io/instance": "istio", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "istio-base", "app.kubernetes.io/part-of": "istio", "app.kubernetes.io/version": facts.version.text, "helm.sh/chart": `base-${facts.version.text}` };
  if (k.kind === "WorkloadGroup" && facts.version.minor === 8) return undefined;
  return { app: "istio-pilot", chart: "istio", heritage: "Tiller", release: "istio", ...(k.group === "security.istio.io" ? { istio: "security" } : k.group === "telemetry.istio.io" ? { istio: "telemetry" } : {}) };
};

/** One CRD object. */
const crdObject = (facts: ReleaseFacts, k: IstioKind, versions: { names: string[]; storage: string }, columns: Array<Record<string, string>>): Record<string, unknown> => {
  const labels = crdLabels(facts, k);
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${k.plural}.${k.group}`, ...(labels ? { labels, annotations: { "helm.sh/resource-policy": "keep" } } : {}) },
    spec: {
      group: k.group,
      names: {
        categories: ["istio-io", `${k.group.split(".")[0]}-istio-io`],
        kind: k.kind,
        listKind: `${k.kind}List`,
        plural: k.plural,
        ...(k.shortNames ? { shortNames: k.shortNames } : {}),
        singular: k.kind.toLowerCase(),
      },
      scope: "Namespaced",
      versions: versions.names.map((name) => ({
        name,
        served: true,
        storage: name === versions.storage,
        ...(columns.length ? { additionalPrinterColumns: columns } : {}),
        schema: { openAPIV3Schema: crdRootSchema(k.kind) },
        subresources: { status: {} },
      })),
    },
  };
};

/** The IstioOperator CRD (installed by releases that save installed-state, ≤ 1.20). */
const istioOperatorCrd = (): Record<string, unknown> => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "istiooperators.install.istio.io", labels: { release: "istio" } },
  spec: {
    group: "install.istio.io",
    names: { kind: "IstioOperator", listKind: "IstioOperatorList", plural: "istiooperators", singular: "istiooperator", shortNames: ["iop", "io"] },
    scope: "Namespaced",
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        additionalPrinterColumns: [
          { name: "Revision", type: "string", jsonPath: ".spec.revision", description: "Istio control plane revision" },
          { name: "Status", type: "string", jsonPath: ".status.status", description: "IOP current state" },
          { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: AGE_DESCRIPTION },
        ],
        schema: { openAPIV3Schema: crdRootSchema("IstioOperator") },
        subresources: { status: {} },
      },
    ],
  },
});

/** Every CRD the release installs. */
export const releaseCrds = (facts: ReleaseFacts): Array<Record<string, unknown>> => {
  const v = facts.version;
  const atLeast = (text: string) => {
    const [, minor, patch] = text.split(".").map(Number) as [number, number, number];
    return v.minor > minor || (v.minor === minor && v.patch >= patch);
  };
  const crds: Array<Record<string, unknown>> = [];
  for (const k of KINDS) {
    const versions = versionsOf(k, atLeast);
    if (versions) crds.push(crdObject(facts, k, versions, columnsOf(k, atLeast)));
  }
  if (facts.installedState) crds.push(istioOperatorCrd());
  return crds;
};
