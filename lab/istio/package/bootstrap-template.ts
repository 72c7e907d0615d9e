// /var/lib/istio/envoy/envoy_bootstrap_tmpl.json of the lab's istio-sidecar.deb, generated for the lab: an Envoy v3
// bootstrap with what the lab's data plane starts with (lab/istio/proxy) — admin on 127.0.0.1:15000, the static
// clusters prometheus_stats, agent, sds-grpc and xds-grpc, listeners for /stats/prometheus on 15090 and
// /healthz/ready on 15021, everything else from xds-grpc (ADS) — with `{{ .nodeID }}` and `{{ .cluster }}` where
// pilot-agent puts the node's identity. A conffile, so it survives `dpkg -r`; the lab's agent does not read it.
import { BUILTIN_CLUSTERS, clusterSpecs } from "../proxy/cluster-specs.js";
import { DEFAULT_PORTS } from "../proxy/proxy.js";
import { dataPlaneProfile } from "../proxy/release.js";
import type { SidecarPackageFacts } from "./facts.js";

type Json = Record<string, unknown>;

/** An address as Envoy's bootstrap writes it: host:port, or a Unix socket path. */
const address = (where: string): Json => {
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(where);
  return m ? { socket_address: { address: m[1], port_value: Number(m[2]) } } : { pipe: { path: where } };
};

/** A static cluster with one endpoint; gRPC ones speak HTTP/2. */
const cluster = (name: string, endpoint: string, grpc: boolean): Json => ({
  name,
  type: "STATIC",
  connect_timeout: "1s",
  ...(grpc ? { http2_protocol_options: {} } : {}),
  load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: address(endpoint) } }] }] },
});

/** A listener on 0.0.0.0:port routing one path prefix to a cluster. */
const listener = (name: string, port: number, prefix: string, target: string): Json => ({
  name,
  address: address(`0.0.0.0:${port}`),
  filter_chains: [
    {
      filters: [
        {
          name: "envoy.filters.network.http_connection_manager",
          typed_config: {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            stat_prefix: name,
            route_config: { virtual_hosts: [{ name, domains: ["*"], routes: [{ match: { prefix }, route: { cluster: target } }] }] },
            http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
          },
        },
      ],
    },
  ],
});

/** The file's text for a release (two-space JSON). */
export const envoyBootstrapTemplate = (f: SidecarPackageFacts): string => {
  const ports = DEFAULT_PORTS;
  const grpc = new Set<string>([BUILTIN_CLUSTERS.sds, BUILTIN_CLUSTERS.xds]);
  const clusters = clusterSpecs(undefined, dataPlaneProfile(f.version), { admin: ports.admin, agent: ports.agent }).map((c) =>
    cluster(c.name, c.hosts[0]?.address ?? "", grpc.has(c.name)),
  );
  const ads = { ads: {}, resource_api_version: "V3" };
  const bootstrap = {
    node: { id: "{{ .nodeID }}", cluster: "{{ .cluster }}" },
    admin: { access_log_path: "/dev/null", address: address(`127.0.0.1:${ports.admin}`) },
    dynamic_resources: {
      ads_config: { api_type: "GRPC", transport_api_version: "V3", grpc_services: [{ envoy_grpc: { cluster_name: BUILTIN_CLUSTERS.xds } }] },
      cds_config: ads,
      lds_config: ads,
    },
    static_resources: {
      clusters,
      listeners: [listener("stats", ports.prometheus, "/stats/prometheus", BUILTIN_CLUSTERS.prometheus), listener("health", ports.health, "/healthz/ready", BUILTIN_CLUSTERS.agent)],
    },
  };
  return `${JSON.stringify(bootstrap, null, 2)}\n`;
};
