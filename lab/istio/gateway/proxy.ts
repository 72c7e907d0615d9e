// The gateway data plane (pilot-agent `proxy router`): Envoy's admin and prometheus listeners from the bootstrap, and one
// listener per port of the Gateway resources that select the gateway — none without a Gateway, so connections are
// refused like Envoy's. TCP servers follow tcp routes; TLS PASSTHROUGH servers route by SNI (tls routes' sniHosts);
// AUTO_PASSTHROUGH (the east-west 15443, router mode sni-dnat) routes SNI outbound_.PORT_._.FQDN to that service's
// endpoints, keeping the client's mTLS end to end; HTTP servers route by Host to the http routes' destination.
import http from "node:http";
import type net from "node:net";
import { buildActiveState, type ActiveState, type ProxyContext } from "../proxy/context.js";
import { validateProxyConfig, type ProxyConfig } from "../proxy/config.js";
import { IstioLogger } from "../proxy/log.js";
import { dataPlaneProfile, type DataPlaneProfile } from "../proxy/release.js";
import { ClusterStore } from "../proxy/stats.js";
import { IstioMetrics } from "../proxy/telemetry.js";
import { clusterSpecs } from "../proxy/cluster-specs.js";
import { UpstreamPools } from "../proxy/pool.js";
import { startAdmin } from "../proxy/admin.js";
import { startPrometheusListener } from "../proxy/health.js";
import { listenOn, type Listener } from "../proxy/listen.js";
import { peekFirstBytes } from "../proxy/peek.js";
import { inspectFirstFlight } from "../proxy/client-hello.js";
import { proxyTcp } from "../proxy/tcp-proxy.js";
import { forwardHttpRequest } from "../proxy/http-router.js";
import { outboundClusterPlan, type UpstreamPlan } from "../proxy/upstream-plan.js";
import { outboundClusterName, type OutboundCluster } from "../proxy/mesh.js";
import type { GatewayConfig, GatewayListenerConfig, GatewayRoute } from "./config.js";
import { validateGatewayConfig } from "./config.js";

/** Options of a gateway proxy. */
export interface GatewayProxyOptions {
  istioVersion: string;
  ports?: { admin?: number; prometheus?: number; agent?: number };
  logLine?: (line: string) => void;
  accessLog?: boolean;
}

/** Matches an SNI against a tls route's sniHosts ("*", "*.suffix" or exact). */
export const sniMatches = (patterns: readonly string[] | undefined, sni: string | undefined): boolean =>
  (patterns ?? ["*"]).some((p) => p === "*" || (sni !== undefined && (p === sni || (p.startsWith("*.") && sni.endsWith(p.slice(1))))));

/** Parses Istio's SNI for AUTO_PASSTHROUGH: outbound_.PORT_SUBSET_.FQDN. */
export const parseIstioSni = (sni: string | undefined): { port: number; subset: string; host: string } | undefined => {
  const m = /^outbound_\.(\d+)_([^_]*)_\.(.+)$/.exec(sni ?? "");
  return m ? { port: Number(m[1]), subset: m[2]!, host: m[3]! } : undefined;
};

/** A plan that forwards raw bytes (TLS passthrough: no origination). */
const passthrough = (plan: UpstreamPlan): UpstreamPlan => ({
  ...plan,
  pick: (tried) => {
    const host = plan.pick(tried);
    return host ? { ...host, tls: undefined } : undefined;
  },
});

/** A running gateway. */
export class GatewayProxy {
  readonly ctx: ProxyContext;
  readonly profile: DataPlaneProfile;
  readonly log: IstioLogger;
  readonly clusters = new ClusterStore();
  readonly metrics = new IstioMetrics();
  private readonly pools: UpstreamPools;
  private active?: ActiveState;
  private gateway?: GatewayConfig;
  private readonly listeners = new Map<number, { key: string; listener: Listener }>();
  private readonly servers: http.Server[] = [];
  private quitHandlers: (() => void)[] = [];
  private readonly ports: { admin: number; prometheus: number; agent: number };

  private constructor(options: GatewayProxyOptions) {
    this.profile = dataPlaneProfile(options.istioVersion);
    this.log = new IstioLogger(options.logLine);
    this.ports = { admin: 15000, prometheus: 15090, agent: 15020, ...options.ports };
    this.ctx = {
      profile: this.profile,
      log: this.log,
      clusters: this.clusters,
      metrics: this.metrics,
      accessLog: options.accessLog ? (line) => (options.logLine ?? ((l: string) => process.stdout.write(`${l}\n`)))(line) : undefined,
      state: () => this.active,
    };
    this.pools = new UpstreamPools(this.ctx);
  }

  /** Starts the bootstrap listeners. */
  static async start(options: GatewayProxyOptions): Promise<GatewayProxy> {
    const g = new GatewayProxy(options);
    g.clusters.sync(clusterSpecs(undefined, g.profile, g.ports));
    g.servers.push(
      await startAdmin({ ctx: g.ctx, port: g.ports.admin, hooks: { startedAt: Date.now(), listeners: () => [...g.listeners.keys()].map((p) => `0.0.0.0_${p}`), quit: () => g.quitHandlers.forEach((h) => h()) } }),
      await startPrometheusListener(g.ctx, "0.0.0.0", g.ports.prometheus),
    );
    g.log.info("envoy main", "starting main dispatch loop");
    return g;
  }

  /** True once a configuration is active. */
  get ready(): boolean {
    return this.active !== undefined;
  }

  /** Ports listened on now. */
  get listenerPorts(): number[] {
    return [...this.listeners.keys()].sort((a, b) => a - b);
  }

  /** Registers a callback for POST /quitquitquit. */
  onQuit(handler: () => void): void {
    this.quitHandlers.push(handler);
  }

  /** Installs a configuration: clusters, then listeners added/removed to match the Gateway servers. */
  async update(configValue: unknown, gatewayValue: unknown): Promise<void> {
    const config: ProxyConfig = validateProxyConfig(configValue);
    const gateway = validateGatewayConfig(gatewayValue);
    const first = !this.active;
    this.active = buildActiveState(config);
    this.gateway = gateway;
    const { added, removed } = this.clusters.sync(clusterSpecs(this.active.index, this.profile, this.ports));
    if (this.profile.cdsLogStyle === "add-remove") this.log.info("envoy upstream", `cds: add ${added} cluster(s), remove ${removed} cluster(s)`);
    else this.log.info("envoy upstream", `cds: response indicates ${added} added/updated cluster(s), ${removed} removed cluster(s); applying changes`);
    const wanted = new Map(gateway.listeners.map((l) => [l.port, l]));
    for (const [port, entry] of [...this.listeners]) {
      const next = wanted.get(port);
      if (!next || this.kindKey(next) !== entry.key) {
        await entry.listener.close();
        this.listeners.delete(port);
        this.log.info("envoy upstream", `lds: remove listener '0.0.0.0_${port}'`);
      }
    }
    for (const l of gateway.listeners) {
      if (this.listeners.has(l.port)) continue;
      try {
        const listener = await this.listen(l);
        this.listeners.set(l.port, { key: this.kindKey(l), listener });
        this.log.info("envoy upstream", `lds: add/update listener '0.0.0.0_${l.port}'`);
      } catch (error) {
        this.log.log("warning", "envoy config", `gRPC config for type.googleapis.com/envoy.config.listener.v3.Listener rejected: Error adding/updating listener(s) 0.0.0.0_${l.port}: cannot bind '0.0.0.0:${l.port}': ${(error as Error).message}`);
      }
    }
    if (first) {
      this.log.info("envoy main", "all clusters initialized. initializing init manager");
      this.log.info("envoy config", "all dependencies initialized. starting workers");
    }
  }

  private kindKey(l: GatewayListenerConfig): string {
    return `${l.protocol}/${l.tlsMode ?? ""}`;
  }

  /** The current listener configuration of a port (routes change without rebinding). */
  private listenerConfig(port: number): GatewayListenerConfig | undefined {
    return this.gateway?.listeners.find((l) => l.port === port);
  }

  private cluster(route: GatewayRoute): OutboundCluster | undefined {
    const state = this.active;
    if (!state) return undefined;
    const service = state.config.services.find((s) => s.hostname === route.destination.host);
    const port = route.destination.port ?? (service?.ports.length === 1 ? service.ports[0]!.port : undefined);
    return port === undefined ? undefined : state.index.clusters.get(outboundClusterName(route.destination.host, port));
  }

  private listen(l: GatewayListenerConfig): Promise<Listener> {
    const port = l.port;
    if (l.protocol === "HTTP" || l.protocol === "HTTP2" || l.protocol === "GRPC") return this.listenHttp(port);
    return listenOn({ address: "0.0.0.0", port, onConnection: (socket) => this.onTcp(port, socket) });
  }

  private async onTcp(port: number, socket: net.Socket): Promise<void> {
    socket.on("error", () => socket.destroy());
    const l = this.listenerConfig(port);
    const state = this.active;
    if (!l || !state) {
      socket.destroy();
      return;
    }
    const down = { direction: "outbound" as const, socket, localAddress: socket.localAddress ?? "0.0.0.0", localPort: port };
    if (l.protocol === "TCP" || l.protocol === "MONGO") {
      const route = l.routes.find((r) => r.kind === "tcp");
      const cluster = route && this.cluster(route);
      if (!cluster) {
        socket.destroy();
        return;
      }
      await proxyTcp(this.ctx, state, outboundClusterPlan(this.ctx, state, cluster, "tcp"), down);
      return;
    }
    // TLS / HTTPS servers: look at the ClientHello's SNI (tls_inspector)
    const { decision, head, ended } = await peekFirstBytes(
      socket,
      (h) => {
        const f = inspectFirstFlight(h);
        return f.kind === "need-more" ? undefined : f;
      },
      () => ({ kind: "plaintext" as const }),
    ).catch(() => ({ decision: { kind: "plaintext" as const }, head: Buffer.alloc(0), ended: true }));
    const sni = decision.kind === "tls" ? decision.sni : undefined;
    let cluster: OutboundCluster | undefined;
    if (l.tlsMode === "AUTO_PASSTHROUGH") {
      const parsed = this.gateway?.routerMode === "sni-dnat" || this.profile.minor >= 12 ? parseIstioSni(sni) : undefined;
      cluster = parsed ? state.index.clusters.get(outboundClusterName(parsed.host, parsed.port)) : undefined;
    } else if (l.tlsMode === "PASSTHROUGH" || l.protocol === "TLS") {
      const route = l.routes.find((r) => r.kind === "tls" && sniMatches(r.sniHosts, sni)) ?? l.routes.find((r) => r.kind === "tcp");
      cluster = route && this.cluster(route);
    }
    if (!cluster || decision.kind !== "tls") {
      socket.destroy();
      return;
    }
    await proxyTcp(this.ctx, state, passthrough(outboundClusterPlan(this.ctx, state, cluster, "tcp")), { ...down, head, ended, sni });
  }

  private async listenHttp(port: number): Promise<Listener> {
    const server = http.createServer((req, res) => {
      const state = this.active;
      const l = this.listenerConfig(port);
      const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
      const route = l?.routes.find((r) => r.kind === "http" && (r.hosts ?? ["*"]).some((h) => h === "*" || h === host || (h.startsWith("*.") && host.endsWith(h.slice(1)))));
      const cluster = route && this.cluster(route);
      if (!state || !cluster) {
        res.writeHead(404, { "content-length": "0", server: "istio-envoy", date: new Date().toUTCString() });
        res.end();
        return;
      }
      const info = { direction: "outbound" as const, remoteAddress: req.socket.remoteAddress ?? "", remotePort: req.socket.remotePort ?? 0, localAddress: req.socket.localAddress ?? "", localPort: port };
      void forwardHttpRequest({ ctx: this.ctx, pools: this.pools, state, req, res, info, plan: outboundClusterPlan(this.ctx, state, cluster, "http") });
    });
    server.keepAliveTimeout = 0;
    return listenOn({ address: "0.0.0.0", port, onConnection: (socket) => void server.emit("connection", socket), extraClose: () => server.close() });
  }

  /** Closes every listener. */
  async stop(): Promise<void> {
    this.pools.destroy();
    await Promise.all([...this.listeners.values()].map((e) => e.listener.close()));
    this.listeners.clear();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
  }
}
