// Renders GET /clusters like Envoy's ClustersHandler: the text format (`cluster::host::stat::value` lines) and
// `?format=json` (envoy.admin.v3.Clusters as protobuf JSON: zero values and default types omitted).
import type { DataPlaneProfile } from "./release.js";
import { HOST_GAUGES, HOST_STAT_NAMES, type ClusterState, type Thresholds } from "./stats.js";

const thresholdLines = (name: string, priority: "default" | "high", t: Thresholds): string =>
  `${name}::${priority}_priority::max_connections::${t.maxConnections}\n` +
  `${name}::${priority}_priority::max_pending_requests::${t.maxPendingRequests}\n` +
  `${name}::${priority}_priority::max_requests::${t.maxRequests}\n` +
  `${name}::${priority}_priority::max_retries::${t.maxRetries}\n`;

/** The text format of /clusters. */
export const clustersText = (clusters: readonly ClusterState[], profile: DataPlaneProfile): string => {
  let out = "";
  for (const c of clusters) {
    const name = c.spec.name;
    if (profile.clustersObservabilityName) out += `${name}::observability_name::${name}\n`;
    out += thresholdLines(name, "default", c.spec.defaultThresholds);
    out += thresholdLines(name, "high", c.spec.highThresholds);
    out += `${name}::added_via_api::${c.spec.addedViaApi}\n`;
    if (profile.clustersEdsServiceName && c.spec.edsServiceName) out += `${name}::eds_service_name::${c.spec.edsServiceName}\n`;
    for (const h of c.hosts.values()) {
      const prefix = `${name}::${h.address}`;
      for (const stat of HOST_STAT_NAMES) out += `${prefix}::${stat}::${h.stats[stat]}\n`;
      out += `${prefix}::hostname::${h.hostname}\n`;
      out += `${prefix}::health_flags::${h.healthy ? "healthy" : "/failed_eds_health"}\n`;
      out += `${prefix}::weight::${h.weight}\n`;
      out += `${prefix}::region::${h.locality.region ?? ""}\n`;
      out += `${prefix}::zone::${h.locality.zone ?? ""}\n`;
      out += `${prefix}::sub_zone::${h.locality.subZone ?? ""}\n`;
      out += `${prefix}::canary::false\n`;
      out += `${prefix}::priority::0\n`;
      out += `${prefix}::success_rate::-1\n`;
      out += `${prefix}::local_origin_success_rate::-1\n`;
    }
  }
  return out;
};

const socketAddress = (address: string): Record<string, unknown> => {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m || address.startsWith(".") || address.startsWith("/")) return { pipe: { path: address } };
  return { socket_address: { address: m[1], port_value: Number(m[2]) } };
};

const thresholdJson = (t: Thresholds, priority?: "HIGH"): Record<string, unknown> => ({
  ...(priority ? { priority } : {}),
  max_connections: t.maxConnections,
  max_pending_requests: t.maxPendingRequests,
  max_requests: t.maxRequests,
  max_retries: t.maxRetries,
});

/** The JSON format of /clusters (?format=json). */
export const clustersJson = (clusters: readonly ClusterState[], profile: DataPlaneProfile): string => {
  const statuses = clusters.map((c) => {
    const status: Record<string, unknown> = { name: c.spec.name };
    if (c.spec.addedViaApi) status["added_via_api"] = true;
    if (c.hosts.size > 0) {
      status["host_statuses"] = [...c.hosts.values()].map((h) => {
        const host: Record<string, unknown> = {
          address: socketAddress(h.address),
          stats: HOST_STAT_NAMES.map((name) => {
            const s: Record<string, unknown> = { name };
            if (h.stats[name] !== 0) s["value"] = String(h.stats[name]);
            if (HOST_GAUGES.has(name)) s["type"] = "GAUGE";
            return s;
          }),
          health_status: { eds_health_status: h.healthy ? "HEALTHY" : "UNHEALTHY" },
          weight: h.weight,
        };
        const locality = Object.fromEntries(
          Object.entries({ region: h.locality.region, zone: h.locality.zone, sub_zone: h.locality.subZone }).filter(([, v]) => v),
        );
        if (Object.keys(locality).length > 0) host["locality"] = locality;
        if (h.hostname) host["hostname"] = h.hostname;
        return host;
      });
    }
    status["circuit_breakers"] = { thresholds: [thresholdJson(c.spec.defaultThresholds), thresholdJson(c.spec.highThresholds, "HIGH")] };
    if (profile.clustersObservabilityName) status["observability_name"] = c.spec.name;
    if (profile.clustersEdsServiceName && c.spec.edsServiceName) status["eds_service_name"] = c.spec.edsServiceName;
    return status;
  });
  return `${JSON.stringify({ cluster_statuses: statuses }, null, 1)}\n`;
};
