// The service registry as istiod builds it: Kubernetes Services with their ready Endpoints (pods) and the
// WorkloadEntries their selectors pick, ServiceEntries (hosts, addresses, MESH_INTERNAL/EXTERNAL, resolution, inline
// endpoints or a workloadSelector), and the endpoint metadata auto mTLS uses (tlsMode, service account).
import type { EndpointTlsMode, MeshEndpoint, MeshService, ServicePort } from "../../proxy/config.js";
import type { KubeJson } from "../kube/rest.js";
import type { ConfigStore } from "./store.js";

/** Label Istio puts on injected pods (and honours on WorkloadEntries). */
export const TLS_MODE_LABEL = "security.istio.io/tlsMode";

const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** True when every selector label matches. An empty selector matches nothing (like a Service without selector). */
export const selectorMatches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean => {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
};

/** The workload (Deployment) name of a pod: the owner ReplicaSet minus its pod-template-hash, or the pod name. */
export const podWorkloadName = (pod: KubeJson): string => {
  const owner = ((pod["metadata"]?.["ownerReferences"] ?? []) as KubeJson[]).find((o) => o["controller"]);
  const hash = pod["metadata"]?.["labels"]?.["pod-template-hash"];
  if (owner?.["kind"] === "ReplicaSet" && hash && String(owner["name"]).endsWith(`-${hash}`)) return String(owner["name"]).slice(0, -(String(hash).length + 1));
  return owner ? String(owner["name"]) : String(pod["metadata"]?.["name"]);
};

/** The tlsMode of a WorkloadEntry (label, else istio when it has a service account). */
export const workloadEntryTlsMode = (we: KubeJson): EndpointTlsMode => {
  const label = we["spec"]?.["labels"]?.[TLS_MODE_LABEL] ?? we["metadata"]?.["labels"]?.[TLS_MODE_LABEL];
  if (label === "istio" || label === "disabled") return label;
  return we["spec"]?.["serviceAccount"] ? "istio" : "disabled";
};

/** False when a health-checked WorkloadEntry reports Healthy=False. */
const workloadEntryHealthy = (we: KubeJson): boolean => {
  const healthy = ((we["status"]?.["conditions"] ?? []) as KubeJson[]).find((c) => c["type"] === "Healthy");
  return !healthy || healthy["status"] !== "False";
};

const kubePorts = (svc: KubeJson): ServicePort[] =>
  ((svc["spec"]?.["ports"] ?? []) as KubeJson[])
    .filter((p) => String(p["protocol"] ?? "TCP") === "TCP")
    .map((p) => ({
      name: String(p["name"] ?? ""),
      port: Number(p["port"]),
      ...(typeof p["targetPort"] === "number" ? { targetPort: p["targetPort"] } : {}),
      ...(p["appProtocol"] ? { appProtocol: String(p["appProtocol"]) } : {}),
    }));

/** The registry: services and endpoints. */
export interface Registry {
  services: MeshService[];
  endpoints: MeshEndpoint[];
}

/** Endpoints of a Kubernetes Service: its Endpoints object's ready addresses (pod metadata from the pods cache) and the
 * WorkloadEntries of the same namespace its selector matches. */
const kubeEndpoints = (store: ConfigStore, svc: KubeJson, service: MeshService): MeshEndpoint[] => {
  const ns = String(svc["metadata"]["namespace"]);
  const out: MeshEndpoint[] = [];
  const ports = (svc["spec"]?.["ports"] ?? []) as KubeJson[];
  const ep = store.get("endpoints", ns, svc["metadata"]["name"]);
  for (const subset of (ep?.["subsets"] ?? []) as KubeJson[]) {
    for (const address of (subset["addresses"] ?? []) as KubeJson[]) {
      const ref = address["targetRef"];
      const pod = ref?.["kind"] === "Pod" ? store.get("pods", ref["namespace"] ?? ns, ref["name"]) : undefined;
      const labels: Record<string, string> = pod?.["metadata"]?.["labels"] ?? {};
      for (const epPort of (subset["ports"] ?? []) as KubeJson[]) {
        const svcPort = ports.find((p) => (p["name"] ?? "") === (epPort["name"] ?? "")) ?? (ports.length === 1 ? ports[0] : undefined);
        if (!svcPort || !ipv4.test(String(address["ip"]))) continue;
        out.push({
          service: service.hostname,
          servicePort: Number(svcPort["port"]),
          address: String(address["ip"]),
          port: Number(epPort["port"]),
          labels,
          tlsMode: labels[TLS_MODE_LABEL] === "istio" ? "istio" : "disabled",
          serviceAccount: pod?.["spec"]?.["serviceAccountName"],
          kind: "pod",
          namespace: ns,
          workloadName: pod ? podWorkloadName(pod) : undefined,
          healthy: true,
        });
      }
    }
  }
  const selector = svc["spec"]?.["selector"] as Record<string, string> | undefined;
  for (const we of store.list("workloadentries")) {
    if (we["metadata"]["namespace"] !== ns || !selectorMatches(selector, we["spec"]?.["labels"])) continue;
    const address = String(we["spec"]?.["address"] ?? "");
    if (!ipv4.test(address)) continue;
    for (const p of ports) {
      const named = p["name"] ? we["spec"]?.["ports"]?.[p["name"]] : undefined;
      const target = typeof named === "number" ? named : typeof p["targetPort"] === "number" ? p["targetPort"] : Number(p["port"]);
      out.push({
        service: service.hostname,
        servicePort: Number(p["port"]),
        address,
        port: target,
        labels: we["spec"]?.["labels"] ?? {},
        tlsMode: workloadEntryTlsMode(we),
        serviceAccount: we["spec"]?.["serviceAccount"] || undefined,
        kind: "workloadentry",
        namespace: ns,
        workloadName: String(we["metadata"]["name"]),
        network: we["spec"]?.["network"] || undefined,
        healthy: workloadEntryHealthy(we),
      });
    }
  }
  return out;
};

/** A ServiceEntry's services (one per host) and endpoints (inline, selected WorkloadEntries, or resolved DNS names). */
const serviceEntryRegistry = (store: ConfigStore, se: KubeJson, resolved: ReadonlyMap<string, string[]>): Registry => {
  const ns = String(se["metadata"]["namespace"]);
  const spec = se["spec"] ?? {};
  const ports: ServicePort[] = ((spec["ports"] ?? []) as KubeJson[]).map((p) => ({
    name: String(p["name"] ?? ""),
    port: Number(p["number"]),
    ...(p["targetPort"] ? { targetPort: Number(p["targetPort"]) } : {}),
    ...(p["protocol"] ? { appProtocol: String(p["protocol"]).toLowerCase() } : {}),
  }));
  const addresses = ((spec["addresses"] ?? []) as string[]).map((a) => a.replace(/\/32$/, "")).filter((a) => ipv4.test(a));
  const meshExternal = (spec["location"] ?? "MESH_EXTERNAL") !== "MESH_INTERNAL";
  const services: MeshService[] = [];
  const endpoints: MeshEndpoint[] = [];
  for (const host of (spec["hosts"] ?? []) as string[]) {
    const service: MeshService = { hostname: host, name: host, namespace: ns, addresses, ports, registry: "External", meshExternal };
    services.push(service);
    const push = (address: string, portOf: (p: ServicePort) => number, extra: Partial<MeshEndpoint>) => {
      if (!ipv4.test(address)) return;
      for (const p of ports) endpoints.push({ service: host, servicePort: p.port, address, port: portOf(p), namespace: ns, healthy: true, ...extra });
    };
    for (const e of (spec["endpoints"] ?? []) as KubeJson[]) {
      push(String(e["address"] ?? ""), (p) => Number(e["ports"]?.[p.name] ?? p.targetPort ?? p.port), {
        labels: e["labels"] ?? {},
        serviceAccount: e["serviceAccount"] || undefined,
        tlsMode: e["labels"]?.[TLS_MODE_LABEL] === "istio" || (!meshExternal && e["serviceAccount"]) ? "istio" : "disabled",
        kind: "workloadentry",
      });
    }
    const selector = spec["workloadSelector"]?.["labels"] as Record<string, string> | undefined;
    if (selector) {
      for (const we of store.list("workloadentries")) {
        if (we["metadata"]["namespace"] !== ns || !selectorMatches(selector, we["spec"]?.["labels"])) continue;
        push(String(we["spec"]?.["address"] ?? ""), (p) => Number(we["spec"]?.["ports"]?.[p.name] ?? p.targetPort ?? p.port), {
          labels: we["spec"]?.["labels"] ?? {},
          serviceAccount: we["spec"]?.["serviceAccount"] || undefined,
          tlsMode: workloadEntryTlsMode(we),
          kind: "workloadentry",
          workloadName: String(we["metadata"]["name"]),
          healthy: workloadEntryHealthy(we),
        });
      }
    }
    if (!spec["endpoints"]?.length && !selector && spec["resolution"] === "DNS") {
      for (const ip of resolved.get(host) ?? []) push(ip, (p) => p.targetPort ?? p.port, { tlsMode: "disabled" });
    }
  }
  return { services, endpoints };
};

/** Hosts of DNS-resolution ServiceEntries without endpoints (istiod resolves them; Envoy would, with STRICT_DNS). */
export const dnsResolvedHosts = (store: ConfigStore): string[] =>
  store
    .list("serviceentries")
    .filter((se) => se["spec"]?.["resolution"] === "DNS" && !se["spec"]?.["endpoints"]?.length && !se["spec"]?.["workloadSelector"])
    .flatMap((se) => (se["spec"]?.["hosts"] ?? []) as string[]);

/** The whole registry, as every proxy sees it (no Sidecar scoping, no exportTo). */
export const buildRegistry = (store: ConfigStore, domain: string, resolved: ReadonlyMap<string, string[]>): Registry => {
  const services: MeshService[] = [];
  const endpoints: MeshEndpoint[] = [];
  for (const svc of store.list("services")) {
    if (svc["spec"]?.["type"] === "ExternalName") continue;
    const ns = String(svc["metadata"]["namespace"]);
    const clusterIp = svc["spec"]?.["clusterIP"];
    const service: MeshService = {
      hostname: `${svc["metadata"]["name"]}.${ns}.svc.${domain}`,
      name: String(svc["metadata"]["name"]),
      namespace: ns,
      addresses: clusterIp && clusterIp !== "None" && ipv4.test(clusterIp) ? [clusterIp] : [],
      ports: kubePorts(svc),
      registry: "Kubernetes",
    };
    services.push(service);
    endpoints.push(...kubeEndpoints(store, svc, service));
  }
  for (const se of store.list("serviceentries")) {
    const r = serviceEntryRegistry(store, se, resolved);
    services.push(...r.services);
    endpoints.push(...r.endpoints);
  }
  return { services, endpoints };
};
