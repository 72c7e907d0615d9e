// An in-memory ClusterApi for the kubelet, DNS and proxy tests: a store with resourceVersions, kubectl-shaped errors,
// watches that replay existing objects, TokenRequest, and a minimal Endpoints controller (Services × ready Pods).
import { randomUUID, randomBytes } from "node:crypto";
import { ApiError, type ClusterApi, type KubeObject, type ListOptions, type ResourceType, type WatchEvent } from "../../../../lab/cluster/contracts.js";

const key = (t: ResourceType) => `${t.group}/${t.version}/${t.resource}`;
const clone = <T>(o: T): T => structuredClone(o);

const matchesLabels = (labels: Record<string, string> | undefined, selector: string | undefined): boolean => {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return (labels ?? {})[k!] === v;
  });
};

const matchesFields = (o: KubeObject, selector: string | undefined): boolean => {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    const value = k!.split(".").reduce<any>((acc, part) => acc?.[part], o);
    return String(value ?? "") === v;
  });
};

/** The in-memory API. `actions` records every call (verb + resource + name). */
export class FakeClusterApi implements ClusterApi {
  readonly actions: string[] = [];
  private rv = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Set<{ type: string; options: ListOptions; onEvent: (e: WatchEvent) => void }>();
  private readonly endpointsController: boolean;

  constructor({ endpointsController = true }: { endpointsController?: boolean } = {}) {
    this.endpointsController = endpointsController;
  }

  private bucket(t: ResourceType): Map<string, KubeObject> {
    let b = this.objects.get(key(t));
    if (!b) this.objects.set(key(t), (b = new Map()));
    return b;
  }

  private emit(t: ResourceType, type: WatchEvent["type"], object: KubeObject): void {
    for (const w of this.watchers) {
      if (w.type !== key(t)) continue;
      if (w.options.namespace && object.metadata.namespace !== w.options.namespace) continue;
      if (!matchesLabels(object.metadata.labels, w.options.labelSelector) || !matchesFields(object, w.options.fieldSelector)) continue;
      w.onEvent({ type, object: clone(object) });
    }
    if (this.endpointsController && (t.resource === "pods" || t.resource === "services")) this.syncEndpoints(object.metadata.namespace ?? "default");
  }

  async get(t: ResourceType, name: string, namespace?: string): Promise<KubeObject> {
    this.actions.push(`get ${t.resource} ${namespace ?? ""}/${name}`);
    const o = this.bucket(t).get(`${namespace ?? ""}/${name}`);
    if (!o) throw new ApiError(404, "NotFound", `${t.resource} "${name}" not found`);
    return clone(o);
  }

  async list(t: ResourceType, options: ListOptions = {}): Promise<KubeObject[]> {
    this.actions.push(`list ${t.resource}`);
    return [...this.bucket(t).values()]
      .filter((o) => !options.namespace || o.metadata.namespace === options.namespace)
      .filter((o) => matchesLabels(o.metadata.labels, options.labelSelector) && matchesFields(o, options.fieldSelector))
      .map(clone);
  }

  async create(t: ResourceType, object: KubeObject): Promise<KubeObject> {
    this.actions.push(`create ${t.resource} ${object.metadata.namespace ?? ""}/${object.metadata.name}`);
    if (t.resource === "serviceaccounts/token") {
      return { ...clone(object), status: { token: `fake.${randomBytes(16).toString("hex")}.sig`, expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() } };
    }
    if (t.resource === "pods/binding") {
      const podT = { group: "", version: "v1", resource: "pods" };
      const pod = this.bucket(podT).get(`${object.metadata.namespace}/${object.metadata.name}`);
      if (!pod) throw new ApiError(404, "NotFound", `pods "${object.metadata.name}" not found`);
      if (pod.spec?.nodeName) throw new ApiError(409, "Conflict", `pod ${object.metadata.name} is already assigned to node "${pod.spec.nodeName}"`);
      pod.spec = { ...pod.spec, nodeName: (object as any).target.name };
      pod.metadata.resourceVersion = String(++this.rv);
      this.emit(podT, "MODIFIED", pod);
      return clone(object);
    }
    const k = `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    if (this.bucket(t).has(k)) throw new ApiError(409, "AlreadyExists", `${t.resource} "${object.metadata.name}" already exists`);
    const o = clone(object);
    o.metadata.uid = randomUUID();
    o.metadata.resourceVersion = String(++this.rv);
    o.metadata.creationTimestamp = new Date().toISOString();
    this.bucket(t).set(k, o);
    this.emit(t, "ADDED", o);
    return clone(o);
  }

  private replace(t: ResourceType, object: KubeObject, statusOnly: boolean): KubeObject {
    const k = `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    const current = this.bucket(t).get(k);
    if (!current) throw new ApiError(404, "NotFound", `${t.resource} "${object.metadata.name}" not found`);
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${t.resource} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const next = statusOnly ? { ...clone(current), status: clone(object.status) } : { ...clone(object), status: clone(current.status) };
    next.metadata = { ...(statusOnly ? current.metadata : object.metadata), uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, resourceVersion: String(++this.rv) };
    this.bucket(t).set(k, next);
    this.emit(t, "MODIFIED", next);
    return clone(next);
  }

  async update(t: ResourceType, object: KubeObject): Promise<KubeObject> {
    this.actions.push(`update ${t.resource} ${object.metadata.namespace ?? ""}/${object.metadata.name}`);
    return this.replace(t, object, false);
  }

  async updateStatus(t: ResourceType, object: KubeObject): Promise<KubeObject> {
    this.actions.push(`updateStatus ${t.resource} ${object.metadata.namespace ?? ""}/${object.metadata.name}`);
    return this.replace(t, object, true);
  }

  /** Pods get a deletionTimestamp (the kubelet finishes the deletion by deleting again); others go at once. */
  async delete(t: ResourceType, name: string, namespace?: string): Promise<void> {
    this.actions.push(`delete ${t.resource} ${namespace ?? ""}/${name}`);
    const k = `${namespace ?? ""}/${name}`;
    const o = this.bucket(t).get(k);
    if (!o) throw new ApiError(404, "NotFound", `${t.resource} "${name}" not found`);
    if (t.resource === "pods" && !o.metadata.deletionTimestamp && o.spec?.nodeName) {
      o.metadata.deletionTimestamp = new Date().toISOString();
      (o.metadata as any).deletionGracePeriodSeconds = o.spec?.terminationGracePeriodSeconds ?? 30;
      o.metadata.resourceVersion = String(++this.rv);
      this.emit(t, "MODIFIED", o);
      return;
    }
    this.bucket(t).delete(k);
    this.emit(t, "DELETED", o);
  }

  watch(t: ResourceType, options: ListOptions, onEvent: (event: WatchEvent) => void): () => void {
    const w = { type: key(t), options, onEvent };
    for (const o of this.bucket(t).values()) {
      if (options.namespace && o.metadata.namespace !== options.namespace) continue;
      if (!matchesLabels(o.metadata.labels, options.labelSelector) || !matchesFields(o, options.fieldSelector)) continue;
      onEvent({ type: "ADDED", object: clone(o) });
    }
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  /** Endpoints = ready pods matching each Service's selector, ports resolved by targetPort. */
  private syncEndpoints(namespace: string): void {
    const svcT = { group: "", version: "v1", resource: "services" };
    const epT = { group: "", version: "v1", resource: "endpoints" };
    const pods = [...this.bucket({ group: "", version: "v1", resource: "pods" }).values()].filter((p) => p.metadata.namespace === namespace);
    for (const svc of this.bucket(svcT).values()) {
      if (svc.metadata.namespace !== namespace || !svc.spec?.selector) continue;
      const sel: Record<string, string> = svc.spec.selector;
      const members = pods.filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
      const ready = (p: KubeObject) => (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
      const ports = (svc.spec.ports ?? []).map((sp: any) => {
        let port = sp.targetPort ?? sp.port;
        if (typeof port === "string") {
          for (const p of members) for (const c of p.spec.containers) for (const cp of c.ports ?? []) if (cp.name === port) port = cp.containerPort;
        }
        return { name: sp.name, port: Number(port), protocol: sp.protocol ?? "TCP" };
      });
      const addr = (p: KubeObject) => ({ ip: p.status.podIP, nodeName: p.spec.nodeName, targetRef: { kind: "Pod", name: p.metadata.name, namespace, uid: p.metadata.uid } });
      const subsets = members.length
        ? [{ addresses: members.filter(ready).map(addr), notReadyAddresses: members.filter((p) => !ready(p)).map(addr), ports }].map((s) => ({
            ...s,
            addresses: s.addresses.length ? s.addresses : undefined,
            notReadyAddresses: s.notReadyAddresses.length ? s.notReadyAddresses : undefined,
          }))
        : [];
      const k = `${namespace}/${svc.metadata.name}`;
      const current = this.bucket(epT).get(k);
      const next: KubeObject = { apiVersion: "v1", kind: "Endpoints", metadata: { name: svc.metadata.name, namespace, uid: current?.metadata.uid ?? randomUUID(), resourceVersion: String(++this.rv) }, subsets: JSON.parse(JSON.stringify(subsets)) };
      if (current && JSON.stringify(current["subsets"]) === JSON.stringify(next["subsets"])) continue;
      this.bucket(epT).set(k, next);
      this.emit(epT, current ? "MODIFIED" : "ADDED", next);
    }
  }
}

/** Resource types used by the tests. */
export const T = {
  pods: { group: "", version: "v1", resource: "pods" },
  services: { group: "", version: "v1", resource: "services" },
  endpoints: { group: "", version: "v1", resource: "endpoints" },
  namespaces: { group: "", version: "v1", resource: "namespaces" },
  events: { group: "", version: "v1", resource: "events" },
  nodes: { group: "", version: "v1", resource: "nodes" },
  configmaps: { group: "", version: "v1", resource: "configmaps" },
  serviceaccounts: { group: "", version: "v1", resource: "serviceaccounts" },
} as const satisfies Record<string, ResourceType>;
