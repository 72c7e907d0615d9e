// The Envoy side of the agent, in the agent's process: the sidecar proxy (lab/istio/proxy) or the gateway
// (lab/istio/gateway), fed with istiod's snapshot, the name table and the agent's certificate — applied once all three
// (two for gateways without DNS) are there, re-applied on every push and every rotation.
import type { NameTable, ProxyConfig, TlsMaterial } from "../proxy/config.js";
import { SidecarProxy } from "../proxy/proxy.js";
import { GatewayProxy } from "../gateway/proxy.js";
import type { IstiodMessage } from "../xds/protocol.js";
import type { AgentConfig } from "./config.js";
import type { ReadinessSource } from "./status.js";

type SnapshotConfig = Extract<IstiodMessage, { type: "snapshot" }>["config"];

/** Options of the data plane. */
export interface DataPlaneOptions {
  config: AgentConfig;
  /** Path of the SO_ORIGINAL_DST addon (sidecars). */
  addonPath?: string;
  accessLog?: boolean;
  logLine?: (line: string) => void;
  /** Port numbers (tests); the agent serves :15021 itself. */
  ports?: { admin?: number; prometheus?: number };
}

/** The running data plane. */
export class DataPlane {
  private snapshot?: SnapshotConfig;
  private tls?: TlsMaterial;
  private nameTable?: NameTable;
  private readonly counters = { cds: { success: 0, rejected: 0 }, lds: { success: 0, rejected: 0 } };
  private applied = false;
  private applying: Promise<void> = Promise.resolve();

  private constructor(
    private readonly o: DataPlaneOptions,
    readonly sidecar?: SidecarProxy,
    readonly gateway?: GatewayProxy,
  ) {}

  /** Starts Envoy's bootstrap listeners (and the DNS proxy when DNS capture is on). */
  static async start(o: DataPlaneOptions): Promise<DataPlane> {
    const c = o.config;
    if (c.mode === "router") {
      const gateway = await GatewayProxy.start({ istioVersion: c.istioVersion, logLine: o.logLine, accessLog: o.accessLog, ports: o.ports });
      return new DataPlane(o, undefined, gateway);
    }
    const sidecar = await SidecarProxy.start({
      istioVersion: c.istioVersion,
      logLine: o.logLine,
      accessLog: o.accessLog,
      addonPath: o.addonPath,
      ports: { health: 0, ...o.ports },
      dns: c.dnsCapture ? { namespace: c.namespace } : undefined,
    });
    return new DataPlane(o, sidecar, undefined);
  }

  /** Registers a callback for the admin's POST /quitquitquit. */
  onQuit(handler: () => void): void {
    this.sidecar?.onQuit(handler);
    this.gateway?.onQuit(handler);
  }

  /** Readiness inputs for the agent's probe. */
  readiness(): ReadinessSource {
    const live = this.applied && (this.sidecar?.ready ?? this.gateway?.ready ?? false);
    return { ...this.counters, live, workersStarted: live };
  }

  /** A snapshot from istiod: counted as a CDS and LDS update, applied when the certificate is there. Throws (NACK)
   * when it cannot be applied. */
  async setSnapshot(config: SnapshotConfig): Promise<void> {
    this.snapshot = config;
    try {
      await this.apply();
      this.counters.cds.success++;
      this.counters.lds.success++;
    } catch (error) {
      this.counters.cds.rejected++;
      this.counters.lds.rejected++;
      throw error;
    }
  }

  /** A name table from istiod (the DNS proxy answers from it). */
  async setNameTable(table: NameTable): Promise<void> {
    this.nameTable = table;
    await this.apply().catch(() => undefined);
  }

  /** New certificate material (first issue or rotation). */
  async setTls(material: TlsMaterial): Promise<void> {
    this.tls = material;
    await this.apply().catch(() => undefined);
  }

  private fullConfig(): ProxyConfig | undefined {
    const c = this.o.config;
    const s = this.snapshot;
    if (!s || !this.tls) return undefined;
    return {
      version: s.version,
      workload: {
        name: c.podName,
        workloadName: String(c.metadata["WORKLOAD_NAME"] ?? c.podName),
        namespace: c.namespace,
        serviceAccount: c.serviceAccount,
        trustDomain: c.trustDomain,
        labels: { ...(s.workload?.labels ?? {}), ...c.labels },
        ips: c.ips,
        kind: c.kind,
        clusterId: c.clusterId,
        network: c.network,
      },
      tls: this.tls,
      services: s.services,
      endpoints: s.endpoints,
      peerAuthentications: s.peerAuthentications,
      meshRootNamespace: s.meshRootNamespace,
      outboundTrafficPolicy: s.outboundTrafficPolicy,
      ...(this.nameTable ? { nameTable: this.nameTable } : {}),
    };
  }

  private apply(): Promise<void> {
    const next = this.applying.then(async () => {
      const full = this.fullConfig();
      if (!full) return;
      if (this.sidecar) await this.sidecar.update(full);
      else await this.gateway!.update(full, this.snapshot?.gateway ?? { routerMode: this.o.config.routerMode, listeners: [] });
      this.applied = true;
    });
    this.applying = next.catch(() => undefined);
    return next;
  }

  /** Stops every listener. */
  async stop(): Promise<void> {
    await this.applying;
    await this.sidecar?.stop();
    await this.gateway?.stop();
  }
}
