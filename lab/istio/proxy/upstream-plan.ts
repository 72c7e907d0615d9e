// Where a request or connection may go: the hosts of a cluster with the transport each uses (auto mTLS), chosen round
// robin while avoiding hosts already tried (Istio's previous_hosts retry predicate).
import type { MeshEndpoint } from "./config.js";
import type { ActiveState, ProxyContext } from "./context.js";
import { spiffeUri } from "./identity.js";
import { inboundClusterName, usesMutualTls, type OutboundCluster } from "./mesh.js";
import { BUILTIN_CLUSTERS } from "./cluster-specs.js";
import type { DestinationService, PeerInfo } from "./telemetry.js";
import type { UpstreamTls } from "./upstream.js";

/** One concrete upstream host and how to reach it. */
export interface PlannedHost {
  /** ip:port (the /clusters host address). */
  readonly address: string;
  readonly ip: string;
  readonly port: number;
  readonly localAddress?: string;
  readonly tls?: UpstreamTls;
  readonly endpoint?: MeshEndpoint;
  /** Telemetry labels of this host (endpoint metadata). */
  readonly peer?: PeerInfo;
}

/** A routing decision's upstream side. */
export interface UpstreamPlan {
  readonly clusterName: string;
  /** Next host, avoiding those already tried when possible; undefined when the cluster has no healthy host. */
  pick(tried: ReadonlySet<string>): PlannedHost | undefined;
  /** Istio's default route retry policy: 2 retries on outbound service routes, none elsewhere. */
  readonly retries: number;
  /** Route decorator operation (tracing): FQDN:PORT/* */
  readonly decorator?: string;
  /** %ROUTE_NAME% for the access log. */
  readonly routeName?: string;
  /** Telemetry labels of the destination as this side knows it before any metadata exchange. */
  readonly destination: PeerInfo;
  readonly service: DestinationService;
}

const cursors = new WeakMap<object, Map<string, number>>();

const roundRobin = <T>(owner: object, key: string, items: readonly T[]): T[] => {
  if (items.length === 0) return [];
  const map = cursors.get(owner) ?? new Map<string, number>();
  cursors.set(owner, map);
  const start = (map.get(key) ?? 0) % items.length;
  map.set(key, start + 1);
  return [...items.slice(start), ...items.slice(0, start)];
};

/** The telemetry labels of an endpoint. */
export const endpointPeerInfo = (state: ActiveState, cluster: OutboundCluster, e: MeshEndpoint): PeerInfo => ({
  workload: e.workloadName,
  namespace: e.namespace ?? cluster.service.namespace,
  principal: e.serviceAccount
    ? spiffeUri({ trustDomain: state.config.workload.trustDomain, namespace: e.namespace ?? cluster.service.namespace, serviceAccount: e.serviceAccount })
    : undefined,
  app: e.labels?.["app"],
  version: e.labels?.["version"],
  canonicalService: e.labels?.["service.istio.io/canonical-name"] ?? e.labels?.["app"],
  canonicalRevision: e.labels?.["service.istio.io/canonical-revision"] ?? e.labels?.["version"],
});

/** The plan of an outbound service cluster (EDS endpoints, auto mTLS per endpoint). */
export const outboundClusterPlan = (ctx: ProxyContext, state: ActiveState, cluster: OutboundCluster, carried: "http" | "tcp"): UpstreamPlan => {
  const healthy = cluster.endpoints.filter((e) => e.healthy !== false);
  const toHost = (e: MeshEndpoint): PlannedHost => ({
    address: `${e.address}:${e.port}`,
    ip: e.address,
    port: e.port,
    endpoint: e,
    peer: endpointPeerInfo(state, cluster, e),
    tls: usesMutualTls(cluster, e)
      ? {
          secureContext: state.clientContext,
          sni: cluster.sni,
          alpn: carried === "http" ? ctx.profile.mtlsHttp11Alpn : ctx.profile.mtlsTcpAlpn,
          expectedSans: cluster.expectedSans,
        }
      : undefined,
  });
  return {
    clusterName: cluster.name,
    pick: (tried) => {
      const order = roundRobin(state, cluster.name, healthy);
      const fresh = order.find((e) => !tried.has(`${e.address}:${e.port}`));
      const chosen = fresh ?? order[0];
      return chosen ? toHost(chosen) : undefined;
    },
    retries: carried === "http" ? 2 : 0,
    decorator: `${cluster.service.hostname}:${cluster.port.port}/*`,
    routeName: carried === "http" ? String(cluster.port.port) : undefined,
    destination: { namespace: cluster.service.namespace },
    service: { host: cluster.service.hostname, name: cluster.service.name, namespace: cluster.service.namespace },
  };
};

/** PassthroughCluster: the original destination, plaintext. */
export const passthroughPlan = (ip: string, port: number, hostHeader?: string): UpstreamPlan => ({
  clusterName: BUILTIN_CLUSTERS.passthrough,
  pick: () => ({ address: `${ip}:${port}`, ip, port }),
  retries: 0,
  routeName: "allow_any",
  destination: {},
  service: { host: hostHeader ?? ip, name: BUILTIN_CLUSTERS.passthrough },
});

/** The inbound side: the app on 127.0.0.1:PORT (1.8, inbound|PORT||) or on the instance IP from 127.0.0.6 (1.10+);
 * ports no service declares go to InboundPassthroughClusterIpv4 (always the original destination from 127.0.0.6). */
export const inboundPlan = (ctx: ProxyContext, state: ActiveState, dst: { address: string; port: number }): UpstreamPlan => {
  const declared = state.index.inboundPort(dst.port);
  const service = declared?.services[0]?.service;
  const toInstanceIp = !declared || ctx.profile.inboundForwardsToInstanceIp;
  const ip = toInstanceIp ? dst.address : "127.0.0.1";
  return {
    clusterName: declared ? inboundClusterName(dst.port) : BUILTIN_CLUSTERS.inboundPassthrough,
    pick: () => ({ address: `${ip}:${dst.port}`, ip, port: dst.port, localAddress: toInstanceIp ? "127.0.0.6" : undefined }),
    retries: 0,
    routeName: "default",
    decorator: service ? `${service.hostname}:${declared?.services[0]?.port.port}/*` : undefined,
    destination: state.self,
    service: service ? { host: service.hostname, name: service.name, namespace: service.namespace } : {},
  };
};
