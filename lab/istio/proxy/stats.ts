// Envoy's cluster and per-host statistics (what /clusters and /stats show), kept across configuration updates for the
// clusters and hosts that survive them.

/** Per-host statistics (Envoy's HostStats: counters and the two gauges). */
export interface HostCounters {
  cx_active: number;
  cx_connect_fail: number;
  cx_total: number;
  rq_active: number;
  rq_error: number;
  rq_success: number;
  rq_timeout: number;
  rq_total: number;
}

/** Host stat names in the order Envoy prints them (alphabetical: counters and gauges merged in a std::map). */
export const HOST_STAT_NAMES: readonly (keyof HostCounters)[] = ["cx_active", "cx_connect_fail", "cx_total", "rq_active", "rq_error", "rq_success", "rq_timeout", "rq_total"];

/** Host gauges (the rest are counters). */
export const HOST_GAUGES = new Set<keyof HostCounters>(["cx_active", "rq_active"]);

/** One host of a cluster. */
export interface HostEntry {
  /** ip:port, or a pipe path for Unix-socket hosts. */
  readonly address: string;
  readonly stats: HostCounters;
  hostname: string;
  healthy: boolean;
  weight: number;
  locality: { region?: string; zone?: string; subZone?: string };
}

/** Circuit breaker thresholds of one priority. */
export interface Thresholds {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
  maxRetries: number;
}

/** Envoy's defaults (used for HIGH priority by Istio clusters, and by bootstrap clusters without settings). */
export const ENVOY_DEFAULT_THRESHOLDS: Thresholds = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };

/** Istio's default thresholds for DEFAULT priority (getDefaultCircuitBreakerThresholds: math.MaxUint32). */
export const ISTIO_DEFAULT_THRESHOLDS: Thresholds = { maxConnections: 4294967295, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295 };

/** Static description of a cluster (from the bootstrap or CDS). */
export interface ClusterSpec {
  name: string;
  addedViaApi: boolean;
  defaultThresholds: Thresholds;
  highThresholds: Thresholds;
  /** EDS service name (Istio: the cluster name itself for EDS clusters). */
  edsServiceName?: string;
  /** ORIGINAL_DST cluster: hosts are added as connections use them, not from configuration. */
  originalDst?: boolean;
  /** Hosts known from configuration (STATIC / EDS). */
  hosts: { address: string; hostname?: string; healthy?: boolean; weight?: number; locality?: HostEntry["locality"] }[];
}

const zero = (): HostCounters => ({ cx_active: 0, cx_connect_fail: 0, cx_total: 0, rq_active: 0, rq_error: 0, rq_success: 0, rq_timeout: 0, rq_total: 0 });

/** A cluster's state: its spec, hosts with stats, and cluster-level counters (for /stats). */
export class ClusterState {
  readonly hosts = new Map<string, HostEntry>();
  /** Cluster-level counters by Envoy stat name (upstream_cx_total, upstream_rq_200, …). */
  readonly counters = new Map<string, number>();
  constructor(public spec: ClusterSpec) {}

  /** The host entry for an address, created on first use (ORIGINAL_DST behaviour). */
  host(address: string): HostEntry {
    let h = this.hosts.get(address);
    if (!h) {
      h = { address, stats: zero(), hostname: "", healthy: true, weight: 1, locality: {} };
      this.hosts.set(address, h);
    }
    return h;
  }

  /** Adds `n` to a cluster-level counter. */
  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }
}

/** All clusters, in the order Envoy's admin lists them here (bootstrap first, then CDS by name). */
export class ClusterStore {
  private readonly clusters = new Map<string, ClusterState>();

  /** Replaces the cluster set: keeps state of clusters and hosts still present, drops the rest (like CDS/EDS). */
  sync(specs: readonly ClusterSpec[]): { added: number; removed: number } {
    const wanted = new Set(specs.map((s) => s.name));
    let removed = 0;
    for (const name of [...this.clusters.keys()]) {
      if (!wanted.has(name)) {
        this.clusters.delete(name);
        removed++;
      }
    }
    let added = 0;
    for (const spec of specs) {
      let state = this.clusters.get(spec.name);
      if (!state) {
        state = new ClusterState(spec);
        this.clusters.set(spec.name, state);
        added++;
      }
      state.spec = spec;
      const keep = new Set(spec.hosts.map((h) => h.address));
      if (!spec.originalDst) for (const a of [...state.hosts.keys()]) if (!keep.has(a)) state.hosts.delete(a);
      for (const h of spec.hosts) {
        const entry = state.host(h.address);
        entry.hostname = h.hostname ?? "";
        entry.healthy = h.healthy ?? true;
        entry.weight = h.weight ?? 1;
        entry.locality = h.locality ?? {};
      }
    }
    return { added, removed };
  }

  /** A cluster's state (undefined when not configured). */
  get(name: string): ClusterState | undefined {
    return this.clusters.get(name);
  }

  /** Every cluster in listing order. */
  list(): ClusterState[] {
    return [...this.clusters.values()];
  }
}
