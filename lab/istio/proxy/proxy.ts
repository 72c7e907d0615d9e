// The sidecar proxy: static listeners from the bootstrap (admin :15000, health :15021, prometheus :15090, the DNS proxy
// on :15053 when DNS capture is on) at start, the virtual listeners (:15001, :15006) once the first configuration
// snapshot arrives, and update() to replace that snapshot while traffic flows.
import type http from "node:http";
import type { ProxyConfig } from "./config.js";
import { validateProxyConfig } from "./config.js";
import { buildActiveState, type ActiveState, type ProxyContext } from "./context.js";
import { IstioLogger } from "./log.js";
import { dataPlaneProfile, type DataPlaneProfile } from "./release.js";
import { ClusterStore } from "./stats.js";
import { IstioMetrics } from "./telemetry.js";
import { clusterSpecs } from "./cluster-specs.js";
import { UpstreamPools } from "./pool.js";
import { startOutboundListener } from "./outbound.js";
import type { OriginalDestinationReader } from "./listen.js";
import { startInboundListener } from "./inbound.js";
import { startAdmin } from "./admin.js";
import { startHealthListener, startPrometheusListener } from "./health.js";
import { startDnsProxy, type DnsProxy } from "./dns.js";
import type { Listener } from "./listen.js";
import { loadOrigDstAddon, originalDestination } from "../../native/origdst.js";

/** Ports of a sidecar (Istio's defaults). */
export interface ProxyPorts {
  outbound: number;
  inbound: number;
  admin: number;
  health: number;
  prometheus: number;
  /** pilot-agent's status port (the bootstrap's "agent" cluster points here). */
  agent: number;
}

/** Istio's port numbers. */
export const DEFAULT_PORTS: ProxyPorts = { outbound: 15001, inbound: 15006, admin: 15000, health: 15021, prometheus: 15090, agent: 15020 };

/** How to start a proxy. */
export interface SidecarProxyOptions {
  /** Istio release to imitate ("1.8.1", "1.30.0"…). */
  istioVersion: string;
  /** First snapshot (may come later through update()). */
  config?: ProxyConfig;
  ports?: Partial<ProxyPorts>;
  /** The agent's DNS proxy (ISTIO_META_DNS_CAPTURE). The namespace is POD_NAMESPACE (known before istiod answers). */
  dns?: { namespace: string; domain?: string; resolvConfPath?: string };
  /** Receives each log line (default: stdout). */
  logLine?: (line: string) => void;
  /** Envoy access log lines (default: off; on: written with logLine). */
  accessLog?: boolean;
  /** Reads SO_ORIGINAL_DST (default: the native addon). */
  originalDst?: OriginalDestinationReader;
  /** Explicit path of the origdst addon. */
  addonPath?: string;
}

/** Result of update(). */
export interface UpdateResult {
  version: string;
  clustersAdded: number;
  clustersRemoved: number;
}

/** A running sidecar proxy. */
export class SidecarProxy {
  private active: ActiveState | undefined;
  private listeners: Listener[] = [];
  private listenerNames: string[] = [];
  private servers: http.Server[] = [];
  private dns: DnsProxy | undefined;
  private stopping: Promise<void> | undefined;
  private quitHandlers: (() => void)[] = [];
  readonly ctx: ProxyContext;
  readonly profile: DataPlaneProfile;
  readonly ports: ProxyPorts;
  readonly log: IstioLogger;
  readonly clusters = new ClusterStore();
  readonly metrics = new IstioMetrics();
  private readonly pools: UpstreamPools;
  private readonly originalDst: OriginalDestinationReader;
  private readonly startedAt = Date.now();

  private constructor(private readonly options: SidecarProxyOptions) {
    this.profile = dataPlaneProfile(options.istioVersion);
    // A port given as undefined keeps its default (the agent passes `{ admin: undefined }` when it has no override).
    this.ports = { ...DEFAULT_PORTS, ...Object.fromEntries(Object.entries(options.ports ?? {}).filter(([, port]) => port !== undefined)) };
    this.log = new IstioLogger(options.logLine);
    const log = this.log;
    this.ctx = {
      profile: this.profile,
      log,
      clusters: this.clusters,
      metrics: this.metrics,
      accessLog: options.accessLog ? (line) => (options.logLine ?? ((l: string) => process.stdout.write(`${l}\n`)))(line) : undefined,
      state: () => this.active,
    };
    this.pools = new UpstreamPools(this.ctx);
    if (options.originalDst) {
      this.originalDst = options.originalDst;
    } else {
      const addon = loadOrigDstAddon(options.addonPath);
      this.originalDst = (socket) => originalDestination(socket, addon);
    }
  }

  /** Starts the bootstrap listeners (and the virtual listeners when a first config is given). */
  static async start(options: SidecarProxyOptions): Promise<SidecarProxy> {
    const proxy = new SidecarProxy(options);
    try {
      await proxy.startBootstrap();
      if (options.config) await proxy.update(options.config);
    } catch (error) {
      await proxy.stop();
      throw error;
    }
    return proxy;
  }

  private async startBootstrap(): Promise<void> {
    this.clusters.sync(clusterSpecs(undefined, this.profile, this.ports));
    this.servers.push(
      await startAdmin({ ctx: this.ctx, port: this.ports.admin, hooks: { startedAt: this.startedAt, listeners: () => this.listenerNames, quit: () => this.quit() } }),
      await startHealthListener(this.ctx, () => this.ready, "0.0.0.0", this.ports.health),
      await startPrometheusListener(this.ctx, "0.0.0.0", this.ports.prometheus),
    );
    if (this.options.dns) {
      this.dns = await startDnsProxy({
        profile: this.profile,
        log: this.log,
        proxyNamespace: this.options.dns.namespace,
        proxyDomain: this.options.dns.domain,
        resolvConfPath: this.options.dns.resolvConfPath,
      });
    }
    this.log.info("envoy main", "starting main dispatch loop");
  }

  /** True once a configuration is active (what :15021/healthz/ready and /ready report). */
  get ready(): boolean {
    return this.active !== undefined;
  }

  /** True when the DNS proxy has a name table (always false without DNS capture). */
  get dnsSynced(): boolean {
    return this.dns?.synced ?? false;
  }

  /** The active configuration, if any. */
  get config(): ProxyConfig | undefined {
    return this.active?.config;
  }

  /** Registers a callback for POST /quitquitquit. */
  onQuit(handler: () => void): void {
    this.quitHandlers.push(handler);
  }

  private quit(): void {
    for (const h of this.quitHandlers) h();
  }

  /** Validates and installs a new snapshot; traffic keeps flowing on existing connections. Throws ProxyConfigError
   * (and keeps the previous snapshot) when the snapshot is invalid. */
  async update(value: unknown): Promise<UpdateResult> {
    let next: ActiveState;
    try {
      next = buildActiveState(validateProxyConfig(value));
    } catch (error) {
      this.log.log("warning", "envoy config", `gRPC config for type.googleapis.com/envoy.config.cluster.v3.Cluster rejected: ${(error as Error).message}`);
      throw error;
    }
    const first = this.active === undefined;
    this.active = next;
    const { added, removed } = this.clusters.sync(clusterSpecs(next.index, this.profile, this.ports));
    if (this.profile.cdsLogStyle === "add-remove") this.log.info("envoy upstream", `cds: add ${added} cluster(s), remove ${removed} cluster(s)`);
    else this.log.info("envoy upstream", `cds: response indicates ${added} added/updated cluster(s), ${removed} removed cluster(s); applying changes`);
    if (next.config.nameTable && this.dns) this.dns.updateNameTable(next.config.nameTable);
    this.listenerNames = ["virtualOutbound", "virtualInbound"];
    if (first) {
      this.log.info("envoy main", "all clusters initialized. initializing init manager");
      this.listeners.push(
        await startOutboundListener({ ctx: this.ctx, pools: this.pools, originalDst: this.originalDst, port: this.ports.outbound }),
        await startInboundListener({ ctx: this.ctx, pools: this.pools, originalDst: this.originalDst, port: this.ports.inbound }),
      );
      for (const name of this.listenerNames) this.log.info("envoy upstream", `lds: add/update listener '${name}'`);
      this.log.info("envoy config", "all dependencies initialized. starting workers");
    }
    return { version: next.config.version, clustersAdded: added, clustersRemoved: removed };
  }

  /** Closes every listener and pooled connection (idempotent). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.pools.destroy();
      await Promise.all(this.listeners.map((l) => l.close()));
      await Promise.all(
        this.servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
      await this.dns?.close();
    })();
    return this.stopping;
  }
}
