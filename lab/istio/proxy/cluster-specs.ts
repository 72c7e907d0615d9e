// The clusters a sidecar has: the bootstrap's static ones, Istio's built-ins (BlackHole, Passthrough,
// InboundPassthrough), one inbound cluster per served port and one outbound cluster per service port.
import type { MeshIndex } from "./mesh.js";
import { inboundClusterName } from "./mesh.js";
import type { DataPlaneProfile } from "./release.js";
import { ENVOY_DEFAULT_THRESHOLDS, ISTIO_DEFAULT_THRESHOLDS, type ClusterSpec, type Thresholds } from "./stats.js";

/** Names of Istio's built-in clusters. */
export const BUILTIN_CLUSTERS = {
  blackHole: "BlackHoleCluster",
  passthrough: "PassthroughCluster",
  inboundPassthrough: "InboundPassthroughClusterIpv4",
  prometheus: "prometheus_stats",
  agent: "agent",
  sds: "sds-grpc",
  xds: "xds-grpc",
} as const;

const XDS_CB: Thresholds = { maxConnections: 100000, maxPendingRequests: 100000, maxRequests: 100000, maxRetries: 3 };

/** The cluster list for the current configuration (bootstrap clusters only before the first snapshot). */
export const clusterSpecs = (index: MeshIndex | undefined, profile: DataPlaneProfile, ports: { admin: number; agent: number }): ClusterSpec[] => {
  const bootstrap: ClusterSpec[] = [
    { name: BUILTIN_CLUSTERS.prometheus, addedViaApi: false, defaultThresholds: ENVOY_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [{ address: `127.0.0.1:${ports.admin}` }] },
    { name: BUILTIN_CLUSTERS.agent, addedViaApi: false, defaultThresholds: ENVOY_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [{ address: `127.0.0.1:${ports.agent}` }] },
    { name: BUILTIN_CLUSTERS.sds, addedViaApi: false, defaultThresholds: ENVOY_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [{ address: profile.sdsSocketPath }] },
    { name: BUILTIN_CLUSTERS.xds, addedViaApi: false, defaultThresholds: XDS_CB, highThresholds: XDS_CB, hosts: [{ address: "./etc/istio/proxy/XDS" }] },
  ];
  if (!index) return bootstrap;
  const dynamic: ClusterSpec[] = [
    { name: BUILTIN_CLUSTERS.blackHole, addedViaApi: true, defaultThresholds: ENVOY_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [] },
    { name: BUILTIN_CLUSTERS.inboundPassthrough, addedViaApi: true, originalDst: true, defaultThresholds: ISTIO_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [] },
    { name: BUILTIN_CLUSTERS.passthrough, addedViaApi: true, originalDst: true, defaultThresholds: ISTIO_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [] },
  ];
  for (const p of index.inboundPorts()) {
    dynamic.push({
      name: inboundClusterName(p.port),
      addedViaApi: true,
      // 1.8: STATIC 127.0.0.1:PORT; 1.10+: ORIGINAL_DST (the instance IP appears once used).
      originalDst: profile.inboundForwardsToInstanceIp,
      defaultThresholds: ISTIO_DEFAULT_THRESHOLDS,
      highThresholds: ENVOY_DEFAULT_THRESHOLDS,
      hosts: profile.inboundForwardsToInstanceIp ? [] : [{ address: `127.0.0.1:${p.port}` }],
    });
  }
  const outbound = [...index.clusters.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const c of outbound) {
    dynamic.push({
      name: c.name,
      addedViaApi: true,
      edsServiceName: c.name,
      defaultThresholds: ISTIO_DEFAULT_THRESHOLDS,
      highThresholds: ENVOY_DEFAULT_THRESHOLDS,
      hosts: c.endpoints.map((e) => ({
        address: `${e.address}:${e.port}`,
        healthy: e.healthy ?? true,
        weight: e.weight ?? 1,
        locality: e.locality ?? {},
      })),
    });
  }
  return [...bootstrap, ...dynamic];
};
