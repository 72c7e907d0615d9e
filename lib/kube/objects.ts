// Typed accessors for the objects the chapter reads (kubectl -o json output or API JSON): conditions, Services (the
// east-west gateway's external address and ports), Pods, Deployments and WorkloadEntries.

/** A status condition (Deployment Available, CRD Established, WorkloadEntry Healthy…). */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** Anything with metadata (a Kubernetes object as JSON). */
export interface AnyObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** The objects of kubectl JSON: the items of a List, or the single object. */
export const itemsOf = <T extends AnyObject = AnyObject>(json: unknown): T[] => {
  if (typeof json !== "object" || json === null) return [];
  const maybeList = json as { kind?: string; items?: unknown };
  if (Array.isArray(maybeList.items)) return maybeList.items as T[];
  return [json as T];
};

/** The conditions of an object's status. */
export const conditionsOf = (object: AnyObject): Condition[] => {
  const conditions = (object.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(conditions) ? (conditions as Condition[]) : [];
};

/** One condition by type (case-insensitive, like kubectl wait). */
export const conditionOf = (object: AnyObject, type: string): Condition | undefined =>
  conditionsOf(object).find((c) => c.type.toLowerCase() === type.toLowerCase());

/** "Available=True, Progressing=True (NewReplicaSetAvailable)". */
export const describeConditions = (object: AnyObject): string =>
  conditionsOf(object)
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`)
    .join(", ");

/** A Service port. */
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol: string;
  nodePort?: number;
}

/** What the chapter needs from a Service. */
export interface ServiceView {
  name: string;
  namespace: string;
  type: string;
  clusterIP?: string;
  /** LoadBalancer ingress IPs and host names, then spec.externalIPs (the order kubectl prints EXTERNAL-IP). */
  externalAddresses: string[];
  ports: ServicePort[];
  selector: Record<string, string>;
}

/** Reads a Service. */
export const serviceView = (svc: AnyObject): ServiceView => {
  const spec = (svc.spec ?? {}) as { type?: string; clusterIP?: string; ports?: ServicePort[]; selector?: Record<string, string>; externalIPs?: string[] };
  const ingress = ((svc.status as { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined)?.loadBalancer?.ingress ?? []);
  const external = [...ingress.map((i) => i.ip ?? i.hostname ?? "").filter(Boolean), ...(spec.externalIPs ?? [])];
  return {
    name: svc.metadata?.name ?? "",
    namespace: svc.metadata?.namespace ?? "",
    type: spec.type ?? "ClusterIP",
    ...(spec.clusterIP ? { clusterIP: spec.clusterIP } : {}),
    externalAddresses: [...new Set(external)],
    ports: (spec.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? "TCP" })),
    selector: spec.selector ?? {},
  };
};

/** The address a VM uses to reach a LoadBalancer Service: the first external IP, else host name; undefined while pending. */
export const serviceExternalAddress = (svc: AnyObject): string | undefined => serviceView(svc).externalAddresses[0];

/** A port of a Service by name or number. */
export const servicePort = (svc: AnyObject, port: string | number): ServicePort | undefined =>
  serviceView(svc).ports.find((p) => (typeof port === "number" ? p.port === port : p.name === port));

/** "15021:31234/TCP,15443/TCP" — the PORT(S) column of kubectl get svc. */
export const formatServicePorts = (svc: AnyObject): string =>
  serviceView(svc)
    .ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol}`)
    .join(",") || "<none>";

/** What the chapter needs from a Pod. */
export interface PodView {
  name: string;
  namespace: string;
  phase: string;
  /** All containers ready and the Ready condition true. */
  ready: boolean;
  /** "2/2" (the READY column). */
  readyText: string;
  restarts: number;
  ip?: string;
  nodeName?: string;
  containers: string[];
  labels: Record<string, string>;
  /** Being deleted. */
  terminating: boolean;
}

/** Reads a Pod. */
export const podView = (pod: AnyObject): PodView => {
  type Status = { name: string; ready: boolean; restartCount?: number };
  const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string; restartPolicy?: string }>; nodeName?: string };
  const status = (pod.status ?? {}) as { phase?: string; podIP?: string; containerStatuses?: Status[]; initContainerStatuses?: Status[] };
  // Native sidecars (init containers with restartPolicy Always, as Istio 1.29+ injects istio-proxy) count like
  // containers, as in kubectl's READY column.
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name);
  const containers = [...sidecars, ...(spec.containers ?? []).map((c) => c.name)];
  const statuses = [...(status.initContainerStatuses ?? []).filter((s) => sidecars.includes(s.name)), ...(status.containerStatuses ?? [])];
  const readyCount = statuses.filter((s) => s.ready).length;
  const readyCondition = conditionOf(pod, "Ready")?.status === "True";
  return {
    name: pod.metadata?.name ?? "",
    namespace: pod.metadata?.namespace ?? "",
    phase: status.phase ?? "Unknown",
    ready: readyCondition && containers.length > 0 && readyCount === containers.length,
    readyText: `${readyCount}/${containers.length}`,
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ...(status.podIP ? { ip: status.podIP } : {}),
    ...(spec.nodeName ? { nodeName: spec.nodeName } : {}),
    containers,
    labels: pod.metadata?.labels ?? {},
    terminating: Boolean((pod.metadata as { deletionTimestamp?: string } | undefined)?.deletionTimestamp),
  };
};

/** The pod kubectl exec would pick among a Service's pods: Running and Ready first, then Running, never finished ones. */
export const pickPod = (pods: AnyObject[]): AnyObject | undefined => {
  const score = (pod: AnyObject): number => {
    const v = podView(pod);
    if (v.phase === "Succeeded" || v.phase === "Failed" || v.terminating) return -1;
    return (v.phase === "Running" ? 4 : 0) + (v.ready ? 2 : 0) + (v.nodeName ? 1 : 0);
  };
  return [...pods]
    .filter((p) => score(p) >= 0)
    .sort((a, b) => score(b) - score(a) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))[0];
};

/** What the chapter needs from a Deployment. */
export interface DeploymentView {
  name: string;
  namespace: string;
  /** "1/1" (READY column). */
  readyText: string;
  available: boolean;
}

/** Reads a Deployment. */
export const deploymentView = (deployment: AnyObject): DeploymentView => {
  const spec = (deployment.spec ?? {}) as { replicas?: number };
  const status = (deployment.status ?? {}) as { readyReplicas?: number };
  return {
    name: deployment.metadata?.name ?? "",
    namespace: deployment.metadata?.namespace ?? "",
    readyText: `${status.readyReplicas ?? 0}/${spec.replicas ?? 1}`,
    available: conditionOf(deployment, "Available")?.status === "True",
  };
};

/** Annotation istiod puts on WorkloadEntries it auto-registered (value: the WorkloadGroup's name). */
export const AUTO_REGISTRATION_GROUP_ANNOTATION = "istio.io/autoRegistrationGroup";
/** Annotation with the time the VM's proxy connected to istiod. */
export const CONNECTED_AT_ANNOTATION = "istio.io/connectedAt";
/** Annotation with the time the VM's proxy disconnected (the entry is removed after a grace period). */
export const DISCONNECTED_AT_ANNOTATION = "istio.io/disconnectedAt";

/** What the chapter needs from a WorkloadEntry. */
export interface WorkloadEntryView {
  name: string;
  namespace: string;
  address: string;
  labels: Record<string, string>;
  serviceAccount?: string;
  network?: string;
  ports: Record<string, number>;
  /** The WorkloadGroup that auto-registered it, if istiod created it. */
  autoRegisteredBy?: string;
  connectedAt?: string;
  disconnectedAt?: string;
  /** The Healthy condition (health checks, Istio ≥ 1.9), when present. */
  healthy?: boolean;
}

/** Reads a WorkloadEntry. */
export const workloadEntryView = (entry: AnyObject): WorkloadEntryView => {
  const spec = (entry.spec ?? {}) as { address?: string; labels?: Record<string, string>; serviceAccount?: string; network?: string; ports?: Record<string, number> };
  const annotations = entry.metadata?.annotations ?? {};
  const health = conditionOf(entry, "Healthy");
  return {
    name: entry.metadata?.name ?? "",
    namespace: entry.metadata?.namespace ?? "",
    address: spec.address ?? "",
    labels: spec.labels ?? {},
    ...(spec.serviceAccount ? { serviceAccount: spec.serviceAccount } : {}),
    ...(spec.network ? { network: spec.network } : {}),
    ports: spec.ports ?? {},
    ...(annotations[AUTO_REGISTRATION_GROUP_ANNOTATION] ? { autoRegisteredBy: annotations[AUTO_REGISTRATION_GROUP_ANNOTATION] } : {}),
    ...(annotations[CONNECTED_AT_ANNOTATION] ? { connectedAt: annotations[CONNECTED_AT_ANNOTATION] } : {}),
    ...(annotations[DISCONNECTED_AT_ANNOTATION] ? { disconnectedAt: annotations[DISCONNECTED_AT_ANNOTATION] } : {}),
    ...(health ? { healthy: health.status === "True" } : {}),
  };
};

/** The WorkloadEntries registered for a VM: auto-registered by the group, or any entry with the VM's address. */
export const entriesForVm = ({ entries, group, address }: { entries: AnyObject[]; group?: string; address?: string }): WorkloadEntryView[] =>
  entries.map(workloadEntryView).filter((e) => (group !== undefined && e.autoRegisteredBy === group) || (address !== undefined && e.address === address));
