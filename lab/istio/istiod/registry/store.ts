// istiod's view of the cluster: one informer per kind it reads (Kubernetes Services, Endpoints, Pods, the mesh
// ConfigMap, and the Istio CRDs), and one callback for every change — the push debouncer listens to it.
import { Informer, servedGroupVersion, type InformerEvent } from "../kube/informer.js";
import type { KubeJson, KubeRest } from "../kube/rest.js";

/** The kinds istiod watches. */
export type StoreKind =
  | "services"
  | "endpoints"
  | "pods"
  | "meshConfigMaps"
  | "workloadentries"
  | "workloadgroups"
  | "serviceentries"
  | "peerauthentications"
  | "gateways"
  | "virtualservices"
  | "destinationrules";

/** Istio CRD kinds: API group and the versions each release reads (first served one wins). */
const CRDS: Record<string, { group: string; versions: (minor: number) => string[] }> = {
  workloadentries: { group: "networking.istio.io", versions: (m) => (m >= 24 ? ["v1", "v1beta1"] : ["v1alpha3", "v1beta1"]) },
  workloadgroups: { group: "networking.istio.io", versions: (m) => (m >= 24 ? ["v1", "v1beta1"] : ["v1alpha3", "v1beta1"]) },
  serviceentries: { group: "networking.istio.io", versions: (m) => (m >= 24 ? ["v1", "v1beta1"] : ["v1alpha3", "v1beta1"]) },
  gateways: { group: "networking.istio.io", versions: (m) => (m >= 24 ? ["v1", "v1beta1"] : ["v1alpha3", "v1beta1"]) },
  virtualservices: { group: "networking.istio.io", versions: (m) => (m >= 24 ? ["v1", "v1beta1"] : ["v1alpha3", "v1beta1"]) },
  destinationrules: { group: "networking.istio.io", versions: (m) => (m >= 24 ? ["v1", "v1beta1"] : ["v1alpha3", "v1beta1"]) },
  peerauthentications: { group: "security.istio.io", versions: (m) => (m >= 24 ? ["v1", "v1beta1"] : ["v1beta1"]) },
};

/** The watched state of the cluster. */
export class ConfigStore {
  private readonly informers = new Map<StoreKind, Informer>();
  private readonly groupVersions = new Map<string, string>();

  constructor(
    readonly rest: KubeRest,
    o: { istioNamespace: string; minor: number; onChange: (kind: StoreKind, event: InformerEvent) => void; log: (message: string) => void },
  ) {
    const add = (kind: StoreKind, path: string | (() => Promise<string | undefined>)) =>
      this.informers.set(kind, new Informer(rest, path, (e) => o.onChange(kind, e), o.log));
    add("services", "/api/v1/services");
    add("endpoints", "/api/v1/endpoints");
    add("pods", "/api/v1/pods");
    add("meshConfigMaps", `/api/v1/namespaces/${o.istioNamespace}/configmaps`);
    for (const [plural, crd] of Object.entries(CRDS)) {
      add(plural as StoreKind, async () => {
        const gv = await servedGroupVersion(rest, crd.group, crd.versions(o.minor));
        if (!gv) return undefined;
        this.groupVersions.set(plural, gv);
        return `/apis/${gv}/${plural}`;
      });
    }
  }

  /** Starts every informer; resolves when the Kubernetes kinds are synced (CRD kinds sync when their CRDs exist). */
  async start(): Promise<void> {
    for (const i of this.informers.values()) i.start();
    await Promise.all((["services", "endpoints", "pods", "meshConfigMaps"] as StoreKind[]).map((k) => this.informers.get(k)!.synced));
  }

  /** Resolves when every informer (CRDs included) listed once. */
  async allSynced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.synced));
  }

  /** Every cached object of a kind. */
  list(kind: StoreKind): KubeJson[] {
    return this.informers.get(kind)!.items();
  }

  /** One cached object. */
  get(kind: StoreKind, namespace: string | undefined, name: string): KubeJson | undefined {
    return this.informers.get(kind)!.get(namespace, name);
  }

  /** `group/version` a CRD kind is served at (once listed). */
  groupVersion(plural: string): string | undefined {
    return this.groupVersions.get(plural);
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
