// Builds ProxyConfig snapshots for test workloads, the way an istiod adapter would: one registry (services and
// endpoints), PeerAuthentication policies, and per-workload identity and certificates.
import type { MeshEndpoint, MeshService, PeerAuthenticationPolicy, ProxyConfig, ServicePort } from "../../../../lab/istio/proxy/config.js";
import { nameTableFromServices } from "../../../../lab/istio/proxy/dns-table.js";
import type { IssuedIdentity } from "./ca.js";

/** A workload with a sidecar (or without one when `sidecar` is false). */
export interface TestWorkload {
  name: string;
  namespace: string;
  serviceAccount: string;
  labels: Record<string, string>;
  ip: string;
  kind: "pod" | "vm";
  identity: IssuedIdentity;
  sidecar: boolean;
}

/** A service and its backing workloads. */
export interface TestService {
  name: string;
  namespace: string;
  vip?: string;
  ports: ServicePort[];
  backends: { workload: TestWorkload; kind?: "pod" | "workloadentry"; serviceAccount?: string; tlsMode?: "istio" | "disabled" }[];
}

/** The registry as services + endpoints. */
export const registry = (services: readonly TestService[]): { services: MeshService[]; endpoints: MeshEndpoint[] } => ({
  services: services.map((s) => ({
    hostname: `${s.name}.${s.namespace}.svc.cluster.local`,
    name: s.name,
    namespace: s.namespace,
    addresses: s.vip ? [s.vip] : [],
    ports: s.ports,
  })),
  endpoints: services.flatMap((s) =>
    s.ports.flatMap((p) =>
      s.backends.map((b) => {
        const kind = b.kind ?? (b.workload.kind === "vm" ? "workloadentry" : "pod");
        const e: MeshEndpoint = {
          service: `${s.name}.${s.namespace}.svc.cluster.local`,
          servicePort: p.port,
          address: b.workload.ip,
          port: p.targetPort ?? p.port,
          labels: { ...b.workload.labels, ...(kind === "pod" && b.workload.sidecar ? { "security.istio.io/tlsMode": "istio" } : {}) },
          kind,
          namespace: b.workload.namespace,
          serviceAccount: b.serviceAccount ?? b.workload.serviceAccount,
          workloadName: b.workload.name,
        };
        if (b.tlsMode) e.tlsMode = b.tlsMode;
        return e;
      }),
    ),
  ),
});

/** The snapshot for `self`. */
export const snapshotFor = ({
  self,
  services,
  peerAuthentications = [],
  outboundTrafficPolicy = "ALLOW_ANY",
  version = "1",
  withNameTable = true,
}: {
  self: TestWorkload;
  services: readonly TestService[];
  peerAuthentications?: PeerAuthenticationPolicy[];
  outboundTrafficPolicy?: "ALLOW_ANY" | "REGISTRY_ONLY";
  version?: string;
  withNameTable?: boolean;
}): ProxyConfig => {
  const reg = registry(services);
  return {
    version,
    workload: {
      name: self.name,
      workloadName: self.name,
      namespace: self.namespace,
      serviceAccount: self.serviceAccount,
      trustDomain: "cluster.local",
      labels: self.labels,
      ips: [self.ip],
      kind: self.kind,
      clusterId: "Kubernetes",
      network: "",
    },
    tls: { certChainPem: self.identity.certChainPem, privateKeyPem: self.identity.privateKeyPem, rootCertsPem: self.identity.rootCertsPem },
    services: reg.services,
    endpoints: reg.endpoints,
    peerAuthentications,
    meshRootNamespace: "istio-system",
    outboundTrafficPolicy,
    nameTable: withNameTable ? nameTableFromServices(reg.services) : undefined,
  };
};
