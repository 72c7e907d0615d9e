// Reads Envoy's admin `/clusters` text (`curl localhost:15000/clusters` on the VM): one `cluster::…` line per
// setting and per host statistic, e.g. `outbound|8000||payment.default.svc.cluster.local::10.233.90.143:8000::cx_active::0`.
import { ParseError, excerptOf } from "./errors.js";
import { linesOf } from "./text.js";

/** The parts of an Istio cluster name `direction|port|subset|host`. */
export interface IstioClusterName {
  direction: "outbound" | "inbound";
  port: number;
  subset: string;
  /** The service's FQDN (empty for inbound clusters). */
  host: string;
}

/** Circuit-breaker limits of one priority. */
export interface CircuitBreakers {
  max_connections?: number;
  max_pending_requests?: number;
  max_requests?: number;
  max_retries?: number;
}

/** One upstream host of a cluster. */
export interface EnvoyHost {
  /** As Envoy prints it: "10.233.90.143:8000", "[fd00::1]:8000". */
  address: string;
  ip?: string;
  port?: number;
  /** Counters and gauges: cx_active, cx_connect_fail, cx_total, rq_success, rq_error, rq_timeout, rq_total… */
  stats: Record<string, number>;
  hostname?: string;
  /** "healthy", or the failure flags ("/failed_eds_health", "/failed_outlier_check"…). */
  healthFlags?: string[];
  weight?: number;
  region?: string;
  zone?: string;
  subZone?: string;
  canary?: boolean;
  priority?: number;
  successRate?: number;
  localOriginSuccessRate?: number;
}

/** One cluster of the `/clusters` output. */
export interface EnvoyCluster {
  name: string;
  /** Set for Istio's `outbound|8000||host` and `inbound|8000||` names. */
  istio?: IstioClusterName;
  addedViaApi?: boolean;
  circuitBreakers: { default: CircuitBreakers; high: CircuitBreakers };
  outlier: Record<string, number>;
  hosts: EnvoyHost[];
  /** Other cluster-level lines (observability_name, eds_service_name…). */
  other: Record<string, string>;
}

/** Parses `direction|port|subset|host`; undefined for other names (xds-grpc, BlackHoleCluster…). */
export const parseIstioClusterName = (name: string): IstioClusterName | undefined => {
  const m = /^(outbound|inbound)\|(\d+)\|([^|]*)\|(.*)$/.exec(name);
  return m ? { direction: m[1] as "outbound" | "inbound", port: Number(m[2]), subset: m[3]!, host: m[4]! } : undefined;
};

const HOST_LINE = /^(.*)::([a-z_]+)::(.*)$/;

/** Parses the text of Envoy's `/clusters`; throws ParseError when no line has the `name::…` shape. */
export const parseEnvoyClusters = (text: string): EnvoyCluster[] => {
  const clusters = new Map<string, EnvoyCluster>();
  let recognised = 0;
  for (const line of linesOf(text)) {
    const cut = line.indexOf("::");
    if (cut <= 0) continue;
    const name = line.slice(0, cut);
    const rest = line.slice(cut + 2);
    let cluster = clusters.get(name);
    if (!cluster) {
      const istio = parseIstioClusterName(name);
      cluster = { name, ...(istio ? { istio } : {}), circuitBreakers: { default: {}, high: {} }, outlier: {}, hosts: [], other: {} };
      clusters.set(name, cluster);
    }
    recognised++;
    const priority = /^(default|high)_priority::([a-z_]+)::(\d+)$/.exec(rest);
    if (priority) {
      cluster.circuitBreakers[priority[1] as "default" | "high"][priority[2] as keyof CircuitBreakers] = Number(priority[3]);
      continue;
    }
    const outlier = /^outlier::([a-z_]+)::(-?[\d.e+-]+)$/.exec(rest);
    if (outlier) {
      cluster.outlier[outlier[1]!] = Number(outlier[2]);
      continue;
    }
    const viaApi = /^added_via_api::(true|false)$/.exec(rest);
    if (viaApi) {
      cluster.addedViaApi = viaApi[1] === "true";
      continue;
    }
    const hostLine = HOST_LINE.exec(rest);
    if (hostLine && looksLikeAddress(hostLine[1]!)) {
      addHostValue(cluster, hostLine[1]!, hostLine[2]!, hostLine[3]!);
      continue;
    }
    const other = /^([a-z_]+)::(.*)$/.exec(rest);
    if (other) cluster.other[other[1]!] = other[2]!;
  }
  if (recognised === 0 && text.trim() !== "") {
    throw new ParseError("a saída de /clusters do Envoy", "nenhuma linha no formato cluster::…", excerptOf(text));
  }
  return [...clusters.values()];
};

/** The clusters whose Istio host is `host` (or starts with `host.`), e.g. "payment.default.svc.cluster.local" or "payment". */
export const clustersForHost = (clusters: readonly EnvoyCluster[], host: string): EnvoyCluster[] =>
  clusters.filter((c) => c.istio !== undefined && (c.istio.host === host || c.istio.host.startsWith(`${host}.`)));

const looksLikeAddress = (text: string): boolean => /^(\[[0-9a-f:.]+\]|[\w.-]+):\d+$/i.test(text) || /^[a-z]+:\/\//.test(text);

const addHostValue = (cluster: EnvoyCluster, address: string, key: string, value: string): void => {
  let host = cluster.hosts.find((h) => h.address === address);
  if (!host) {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
    host = { address, ...(m ? { ip: m[1]!, port: Number(m[2]) } : {}), stats: {} };
    cluster.hosts.push(host);
  }
  switch (key) {
    case "hostname":
      host.hostname = value;
      break;
    case "health_flags":
      host.healthFlags = value.split("/").filter(Boolean);
      break;
    case "weight":
      host.weight = Number(value);
      break;
    case "region":
      host.region = value;
      break;
    case "zone":
      host.zone = value;
      break;
    case "sub_zone":
      host.subZone = value;
      break;
    case "canary":
      host.canary = value === "true";
      break;
    case "priority":
      host.priority = Number(value);
      break;
    case "success_rate":
      host.successRate = Number(value);
      break;
    case "local_origin_success_rate":
      host.localOriginSuccessRate = Number(value);
      break;
    default:
      if (/^-?\d+$/.test(value)) host.stats[key] = Number(value);
  }
};
