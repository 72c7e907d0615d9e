// The registry view one sidecar gets from istiod, indexed for the data path: services by VIP:port, HTTP virtual hosts
// by port (with Istio's alternate domains), endpoints by cluster, the auto-mTLS decision per endpoint, and the ports
// this workload itself serves (inbound).
import type { EndpointTlsMode, MeshEndpoint, MeshService, ProxyConfig, ServicePort } from "./config.js";
import { namespaceMtls, type EffectiveMtlsMode } from "./peer-authn.js";
import { portHandling, type PortHandling } from "./protocol.js";
import { spiffeUri } from "./identity.js";

/** An outbound cluster: one service port (outbound|PORT||FQDN). */
export interface OutboundCluster {
  readonly name: string;
  readonly service: MeshService;
  readonly port: ServicePort;
  readonly handling: PortHandling;
  readonly endpoints: readonly MeshEndpoint[];
  /** The destination's mTLS mode as the client infers it (namespace/mesh PeerAuthentication). */
  readonly destinationMode: EffectiveMtlsMode;
  /** SPIFFE URIs a server may present (all service accounts of the service's endpoints): Envoy's SAN matchers. */
  readonly expectedSans: readonly string[];
  /** SNI Istio sets for mTLS: outbound_.PORT_._.FQDN */
  readonly sni: string;
}

/** Istio's cluster name for a service port. */
export const outboundClusterName = (hostname: string, port: number): string => `outbound|${port}||${hostname}`;

/** Istio's inbound cluster name (1.8.1+: inbound|<endpoint port>||). */
export const inboundClusterName = (port: number): string => `inbound|${port}||`;

/** The tlsMode of an endpoint as istiod derives it: explicit, the security.istio.io/tlsMode label, or "istio" for a
 * WorkloadEntry with a service account (getTLSModeFromWorkloadEntry). */
export const endpointTlsMode = (e: MeshEndpoint): EndpointTlsMode => {
  if (e.tlsMode) return e.tlsMode;
  const label = e.labels?.["security.istio.io/tlsMode"];
  if (label === "istio" || label === "disabled") return label;
  if (e.kind === "workloadentry" && e.serviceAccount) return "istio";
  return "disabled";
};

/** Whether the client sidecar originates mTLS to this endpoint (auto mTLS): the endpoint has a sidecar (tlsMode istio)
 * and the destination namespace is not DISABLE, and the service is not MESH_EXTERNAL. */
export const usesMutualTls = (cluster: Pick<OutboundCluster, "destinationMode" | "service">, endpoint: MeshEndpoint): boolean =>
  !cluster.service.meshExternal && cluster.destinationMode !== "DISABLE" && endpointTlsMode(endpoint) === "istio";

/** A virtual host of an HTTP route configuration (route "PORT"). */
export interface VirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly cluster: OutboundCluster;
}

/** A port this workload serves, from the services whose endpoints are this workload. */
export interface InboundPort {
  readonly port: number;
  readonly handling: PortHandling;
  readonly services: readonly { service: MeshService; port: ServicePort }[];
}

/** Alternate names Istio adds to a Kubernetes service's virtual host, as seen from `proxyNamespace`. */
export const virtualHostDomains = (service: MeshService, port: number, proxyNamespace: string): string[] => {
  const names = [service.hostname];
  const suffix = `.${service.namespace}.svc.`;
  const at = service.hostname.indexOf(suffix);
  if ((service.registry ?? "Kubernetes") === "Kubernetes" && at > 0) {
    const short = service.hostname.slice(0, at);
    const domainParts = service.hostname.slice(at + suffix.length).split(".");
    if (service.namespace === proxyNamespace) names.push(short);
    names.push(`${short}.${service.namespace}`, `${short}.${service.namespace}.svc`);
    for (let i = 1; i < domainParts.length; i++) names.push(`${short}.${service.namespace}.svc.${domainParts.slice(0, i).join(".")}`);
  }
  names.push(...service.addresses);
  return names.flatMap((n) => [n, `${n}:${port}`]);
};

/** The indexed registry. */
export class MeshIndex {
  readonly clusters = new Map<string, OutboundCluster>();
  private readonly byVip = new Map<string, OutboundCluster>();
  private readonly headlessByEndpoint = new Map<string, OutboundCluster>();
  private readonly httpPorts = new Map<number, VirtualHost[]>();
  private readonly inbound = new Map<number, InboundPort>();

  constructor(readonly config: ProxyConfig) {
    const own = new Set(config.workload.ips);
    const inboundServices = new Map<number, { service: MeshService; port: ServicePort }[]>();
    for (const service of config.services) {
      for (const port of service.ports) {
        const endpoints = config.endpoints.filter((e) => e.service === service.hostname && e.servicePort === port.port);
        const sas = [...new Set(endpoints.map((e) => e.serviceAccount).filter((sa): sa is string => Boolean(sa)))];
        const cluster: OutboundCluster = {
          name: outboundClusterName(service.hostname, port.port),
          service,
          port,
          handling: portHandling(port),
          endpoints,
          destinationMode: namespaceMtls({
            policies: config.peerAuthentications,
            rootNamespace: config.meshRootNamespace,
            namespace: service.namespace,
          }),
          expectedSans: sas.map((sa) =>
            spiffeUri({ trustDomain: config.workload.trustDomain, namespace: endpoints.find((e) => e.serviceAccount === sa)?.namespace ?? service.namespace, serviceAccount: sa }),
          ),
          sni: `outbound_.${port.port}_._.${service.hostname}`,
        };
        this.clusters.set(cluster.name, cluster);
        for (const vip of service.addresses) this.byVip.set(`${vip}:${port.port}`, cluster);
        if (service.addresses.length === 0) for (const e of endpoints) this.headlessByEndpoint.set(`${e.address}:${e.port}`, cluster);
        if (cluster.handling === "http") {
          const hosts = this.httpPorts.get(port.port) ?? [];
          hosts.push({ name: `${service.hostname}:${port.port}`, domains: virtualHostDomains(service, port.port, config.workload.namespace), cluster });
          this.httpPorts.set(port.port, hosts);
        }
        for (const e of endpoints) {
          if (!own.has(e.address)) continue;
          const list = inboundServices.get(e.port) ?? [];
          list.push({ service, port });
          inboundServices.set(e.port, list);
        }
      }
    }
    for (const [port, services] of inboundServices) {
      const kinds = new Set(services.map((s) => portHandling(s.port)));
      const handling: PortHandling = kinds.has("http") ? "http" : kinds.has("tcp") ? "tcp" : "sniff";
      this.inbound.set(port, { port, handling, services });
    }
  }

  /** The cluster of a service VIP:port (ClusterIP), if any. */
  clusterByVip(address: string, port: number): OutboundCluster | undefined {
    return this.byVip.get(`${address}:${port}`);
  }

  /** The cluster of a headless service whose endpoint is address:port. */
  clusterByHeadlessEndpoint(address: string, port: number): OutboundCluster | undefined {
    return this.headlessByEndpoint.get(`${address}:${port}`);
  }

  /** Virtual hosts of the HTTP route for `port` (undefined when no HTTP service uses that port). */
  httpRoute(port: number): readonly VirtualHost[] | undefined {
    return this.httpPorts.get(port);
  }

  /** Matches a Host header against the route of `port` (case-insensitive, exact domains as Envoy does here). */
  matchVirtualHost(port: number, host: string | undefined): VirtualHost | undefined {
    if (!host) return undefined;
    const wanted = host.toLowerCase();
    return this.httpPorts.get(port)?.find((vh) => vh.domains.some((d) => d.toLowerCase() === wanted));
  }

  /** A port this workload serves (undefined: not declared by any service; traffic goes to InboundPassthroughCluster). */
  inboundPort(port: number): InboundPort | undefined {
    return this.inbound.get(port);
  }

  /** Every inbound port, for /clusters and config_dump. */
  inboundPorts(): InboundPort[] {
    return [...this.inbound.values()].sort((a, b) => a.port - b.port);
  }

  /** Outbound traffic policy (ALLOW_ANY unless REGISTRY_ONLY). */
  get outboundPolicy(): "ALLOW_ANY" | "REGISTRY_ONLY" {
    return this.config.outboundTrafficPolicy ?? "ALLOW_ANY";
  }
}
