// Istio standard metrics (istio_requests_total, istio_tcp_*) as the sidecar reports them on /stats/prometheus, and the
// peer metadata both sidecars exchange to fill the source_* and destination_* labels.
import type { WorkloadInfo } from "./config.js";
import { spiffeUri } from "./identity.js";

/** What one side knows about a workload (the telemetry labels' source). */
export interface PeerInfo {
  workload?: string;
  namespace?: string;
  principal?: string;
  app?: string;
  version?: string;
  canonicalService?: string;
  canonicalRevision?: string;
  cluster?: string;
}

/** Destination service labels. */
export interface DestinationService {
  host?: string;
  name?: string;
  namespace?: string;
}

/** One request (HTTP) or connection (TCP) observation. */
export interface TrafficRecord {
  reporter: "source" | "destination";
  source: PeerInfo;
  destination: PeerInfo;
  service: DestinationService;
  protocol: "http" | "tcp";
  responseCode?: number;
  responseFlags: string;
  connectionSecurityPolicy: "mutual_tls" | "none" | "unknown";
}

/** The peer info of this proxy's own workload. */
export const selfPeerInfo = (w: WorkloadInfo): PeerInfo => ({
  workload: w.workloadName ?? w.name,
  namespace: w.namespace,
  principal: spiffeUri({ trustDomain: w.trustDomain, namespace: w.namespace, serviceAccount: w.serviceAccount }),
  app: w.labels["app"],
  version: w.labels["version"],
  canonicalService: w.labels["service.istio.io/canonical-name"] ?? w.labels["app"] ?? w.workloadName ?? w.name,
  canonicalRevision: w.labels["service.istio.io/canonical-revision"] ?? w.labels["version"] ?? "latest",
  cluster: w.clusterId ?? "Kubernetes",
});

/** Header names of the HTTP metadata exchange (the lab encodes the value as base64 JSON, Istio as a protobuf Struct). */
export const PEER_METADATA_HEADER = "x-envoy-peer-metadata";
/** Node id header of the metadata exchange. */
export const PEER_METADATA_ID_HEADER = "x-envoy-peer-metadata-id";

/** Encodes this workload's metadata for the exchange header. */
export const encodePeerMetadata = (info: PeerInfo): string => Buffer.from(JSON.stringify(info)).toString("base64");

/** Decodes an exchange header; undefined when absent or malformed. */
export const decodePeerMetadata = (value: string | string[] | undefined): PeerInfo | undefined => {
  if (typeof value !== "string" || value === "") return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64").toString("utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as PeerInfo) : undefined;
  } catch {
    return undefined;
  }
};

/** Envoy's node id of a sidecar: sidecar~IP~name.namespace~namespace.svc.cluster.local */
export const nodeId = (w: WorkloadInfo): string => `sidecar~${w.ips[0]}~${w.name}.${w.namespace}~${w.namespace}.svc.cluster.local`;

const u = (v: string | undefined): string => (v === undefined || v === "" ? "unknown" : v);

const labelPairs = (r: TrafficRecord): [string, string][] => {
  const pairs: [string, string][] = [
    ["reporter", r.reporter],
    ["source_workload", u(r.source.workload)],
    ["source_workload_namespace", u(r.source.namespace)],
    ["source_principal", u(r.source.principal)],
    ["source_app", u(r.source.app)],
    ["source_version", u(r.source.version)],
    ["source_cluster", u(r.source.cluster)],
    ["destination_workload", u(r.destination.workload)],
    ["destination_workload_namespace", u(r.destination.namespace)],
    ["destination_principal", u(r.destination.principal)],
    ["destination_app", u(r.destination.app)],
    ["destination_version", u(r.destination.version)],
    ["destination_service", u(r.service.host)],
    ["destination_service_name", u(r.service.name)],
    ["destination_service_namespace", u(r.service.namespace)],
    ["destination_cluster", u(r.destination.cluster)],
    ["request_protocol", r.protocol],
  ];
  if (r.protocol === "http") pairs.push(["response_code", String(r.responseCode ?? 0)], ["grpc_response_status", ""]);
  pairs.push(
    ["response_flags", r.responseFlags || "-"],
    ["connection_security_policy", r.connectionSecurityPolicy],
    ["source_canonical_service", u(r.source.canonicalService)],
    ["destination_canonical_service", u(r.destination.canonicalService)],
    ["source_canonical_revision", u(r.source.canonicalRevision)],
    ["destination_canonical_revision", u(r.destination.canonicalRevision)],
  );
  return pairs;
};

const escape = (v: string): string => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The counters and their rendering. */
export class IstioMetrics {
  private readonly series = new Map<string, Map<string, number>>();

  private add(metric: string, labels: [string, string][], n: number): void {
    const key = labels.map(([k, v]) => `${k}="${escape(v)}"`).join(",");
    const m = this.series.get(metric) ?? new Map<string, number>();
    m.set(key, (m.get(key) ?? 0) + n);
    this.series.set(metric, m);
  }

  /** Counts one HTTP request (istio_requests_total). */
  recordRequest(r: TrafficRecord): void {
    this.add("istio_requests_total", labelPairs(r), 1);
  }

  /** Counts an opened TCP connection. */
  recordTcpOpened(r: TrafficRecord): void {
    this.add("istio_tcp_connections_opened_total", labelPairs(r), 1);
  }

  /** Counts a closed TCP connection and its bytes. */
  recordTcpClosed(r: TrafficRecord, bytes: { sent: number; received: number }): void {
    const labels = labelPairs(r);
    this.add("istio_tcp_connections_closed_total", labels, 1);
    this.add("istio_tcp_sent_bytes_total", labels, bytes.sent);
    this.add("istio_tcp_received_bytes_total", labels, bytes.received);
  }

  /** Sum of a metric over series whose labels include all of `match` (for checks). */
  total(metric: string, match: Record<string, string> = {}): number {
    let sum = 0;
    for (const [key, value] of this.series.get(metric) ?? []) {
      if (Object.entries(match).every(([k, v]) => key.includes(`${k}="${escape(v)}"`))) sum += value;
    }
    return sum;
  }

  /** Prometheus exposition text of the Istio metrics. */
  prometheusText(): string {
    let out = "";
    for (const [metric, series] of [...this.series.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      out += `# TYPE ${metric} counter\n`;
      for (const [labels, value] of series) out += `${metric}{${labels}} ${value}\n`;
    }
    return out;
  }
}
