// istiod's discovery service: the ADS streams of connected proxies, their snapshots, and pushes after every relevant
// change (debounced like PILOT_DEBOUNCE_AFTER=100ms, at most PILOT_DEBOUNCE_MAX=10s), with istiod's log lines.
import { lookup } from "node:dns/promises";
import type { ServerHttp2Stream } from "node:http2";
import type { AgentMessage, IstiodMessage, NodeHello } from "../../xds/protocol.js";
import { readJsonLines, writeJsonLine } from "../../xds/json-lines.js";
import type { WorkloadEntryController, RegisteredConnection } from "../autoregistration.js";
import type { IstiodLogger } from "../log.js";
import { byteCount, type IstiodProfile } from "../release.js";
import { parseMeshConfig, type MeshConfigView } from "../registry/mesh-config.js";
import { buildRegistry, dnsResolvedHosts, type Registry } from "../registry/services.js";
import { buildSnapshot, parseNodeId, type ProxyNode, type Snapshot } from "../registry/snapshot.js";
import type { ConfigStore } from "../registry/store.js";

/** Debounce window after a change and the longest a push may be delayed. */
export const DEBOUNCE_AFTER_MS = 100;
export const DEBOUNCE_MAX_MS = 10_000;

/** One connected proxy. */
interface Connection extends RegisteredConnection {
  conId: string;
  peer: string;
  stream: ServerHttp2Stream;
  lastVersion?: string;
  lastNameTable?: string;
}

/** Options of the discovery service. */
export interface DiscoveryOptions {
  profile: IstiodProfile;
  store: ConfigStore;
  log: IstiodLogger;
  istioNamespace: string;
  domain: string;
  workloadEntries: WorkloadEntryController;
}

/** The ADS server and its pusher. */
export class DiscoveryServer {
  private readonly connections = new Map<string, Connection>();
  private counter = 0;
  private pushCounter = 0;
  private debounceTimer?: NodeJS.Timeout;
  private firstChangeAt?: number;
  private pushing?: Promise<void>;
  private pushAgain = false;
  private resolved = new Map<string, string[]>();
  private stopped = false;

  constructor(private readonly o: DiscoveryOptions) {}

  /** The mesh config from ConfigMap `istio` in istiod's namespace. */
  meshConfig(): MeshConfigView {
    const cm = this.o.store.get("meshConfigMaps", this.o.istioNamespace, "istio");
    return parseMeshConfig(cm?.["data"]?.["mesh"], this.o.istioNamespace).mesh;
  }

  /** Number of connected proxies. */
  get connectedEndpoints(): number {
    return this.connections.size;
  }

  /** Called for every store change: schedules a debounced push. */
  onConfigChange(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.firstChangeAt ??= now;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    const wait = Math.min(DEBOUNCE_AFTER_MS, Math.max(0, this.firstChangeAt + DEBOUNCE_MAX_MS - now));
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.firstChangeAt = undefined;
      this.startPush();
    }, wait);
  }

  private startPush(): void {
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    this.pushing = this.pushAll().finally(() => {
      this.pushing = undefined;
      if (this.pushAgain && !this.stopped) {
        this.pushAgain = false;
        this.startPush();
      }
    });
  }

  private async refreshDnsHosts(): Promise<void> {
    const next = new Map<string, string[]>();
    for (const host of dnsResolvedHosts(this.o.store)) {
      try {
        next.set(host, (await lookup(host, { all: true, family: 4 })).map((a) => a.address));
      } catch {
        next.set(host, []);
      }
    }
    this.resolved = next;
  }

  private registry(): Registry {
    return buildRegistry(this.o.store, this.o.domain, this.resolved);
  }

  private pushVersion(): string {
    return `${new Date().toISOString().replace(/\.\d+Z$/, "Z")}/${++this.pushCounter}`;
  }

  private async pushAll(): Promise<void> {
    if (!this.connections.size) return;
    await this.refreshDnsHosts();
    const registry = this.registry();
    const version = this.pushVersion();
    const services = registry.services.length;
    const { log, profile } = this.o;
    if (profile.minor === 8) log.info("ads", `XDS: Pushing:${version} Services:${services} ConnectedEndpoints:${this.connections.size}`);
    else log.info("ads", `XDS: Pushing Services:${services} ConnectedEndpoints:${this.connections.size} Version:${version}`);
    const mesh = this.meshConfig();
    await Promise.all([...this.connections.values()].map((c) => this.push(c, registry, mesh, false)));
  }

  private snapshotOf(conn: Connection, registry: Registry, mesh: MeshConfigView): Snapshot {
    const pod = this.o.store.get("pods", conn.node.namespace, conn.node.name);
    if (!Object.keys(conn.node.labels).length && pod?.["metadata"]?.["labels"]) conn.node.labels = { ...pod["metadata"]["labels"] };
    return buildSnapshot({ store: this.o.store, node: conn.node, mesh, registry, domain: this.o.domain });
  }

  /** Sends the snapshot (and name table) when it changed; logs the push like istiod. */
  private async push(conn: Connection, registry: Registry, mesh: MeshConfigView, initial: boolean): Promise<void> {
    const snapshot = this.snapshotOf(conn, registry, mesh);
    const nameTableText = JSON.stringify(snapshot.nameTable);
    const messages: IstiodMessage[] = [];
    if (snapshot.version !== conn.lastVersion) messages.push({ type: "snapshot", version: snapshot.version, config: snapshot.config });
    if (nameTableText !== conn.lastNameTable) messages.push({ type: "nameTable", version: snapshot.version, table: snapshot.nameTable });
    if (!messages.length) return;
    try {
      for (const m of messages) await writeJsonLine(conn.stream, m);
    } catch {
      return; // the stream went away: the close handler cleans up
    }
    conn.lastVersion = snapshot.version;
    conn.lastNameTable = nameTableText;
    this.logPush(conn, snapshot, initial);
  }

  private logPush(conn: Connection, s: Snapshot, initial: boolean): void {
    const { log, profile } = this.o;
    const id = conn.node.id;
    const part = (share: number, resources = 1) => byteCount(resources ? Math.max(1, Math.round(s.stats.bytes * share)) : 0);
    if (profile.deltaXds) {
      const reason = initial ? " request" : "";
      log.info("delta", `CDS: PUSH${reason} for node:${id} resources:${s.stats.clusters} removed:0 size:${part(0.4)}`);
      log.info("delta", `EDS: PUSH${reason} for node:${id} resources:${s.stats.clusters} removed:0 size:${part(0.2)}`);
      log.info("delta", `LDS: PUSH${reason} for node:${id} resources:${s.stats.listeners} removed:0 size:${part(0.3, s.stats.listeners)}`);
      log.info("delta", `RDS: PUSH${reason} for node:${id} resources:${s.stats.routes} removed:0 size:${part(0.1, s.stats.routes)}`);
      if (conn.node.metadata["DNS_CAPTURE"] === "true") log.info("delta", `NDS: PUSH${reason} for node:${id} resources:1 removed:0 size:${byteCount(JSON.stringify(s.nameTable).length)}`);
    } else {
      log.info("ads", `CDS: PUSH for node:${id} resources:${s.stats.clusters}`);
      log.info("ads", `EDS: PUSH for node:${id} resources:${s.stats.clusters} empty:0 cached:${s.stats.clusters}/${s.stats.clusters}`);
      log.info("ads", `LDS: PUSH for node:${id} resources:${s.stats.listeners}`);
      log.info("ads", `RDS: PUSH for node:${id} resources:${s.stats.routes}`);
      if (conn.node.metadata["DNS_CAPTURE"] === "true") log.info("ads", `NDS: PUSH for node:${id} resources:1`);
    }
  }

  /** Serves one ADS stream until it ends. `identities` are the caller's verified SPIFFE ids (undefined on the
   * plaintext port, where istiod does not authenticate). */
  async serveStream({ stream, peer, identities }: { stream: ServerHttp2Stream; peer: string; identities?: string[] }): Promise<void> {
    const { log, profile } = this.o;
    const scope = profile.deltaXds ? "delta" : "ads";
    let conn: Connection | undefined;
    const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
    const fail = async (code: number, message: string) => {
      await writeJsonLine(stream, { type: "error", code, message } satisfies IstiodMessage).catch(() => undefined);
      stream.end();
    };
    type Incoming = AgentMessage | { type: "health"; healthy: boolean; message?: string };
    const early: Incoming[] = [];
    const handle = (m: Incoming, c: Connection) => {
      if (m.type === "ack" && m.error) log.warn(scope, `ADS:LDS: ACK ERROR ${c.conId} Internal:${m.error}`);
      if (m.type === "health") void this.o.workloadEntries.reportHealth(c, m.healthy, m.message);
    };
    let helloSeen = false;
    const first = new Promise<NodeHello | undefined>((resolve) => {
      stream.once("close", () => resolve(undefined));
      readJsonLines(stream, (message) => {
        const m = message as Incoming;
        if (!helloSeen) {
          if (m.type === "hello") {
            helloSeen = true;
            resolve(m);
          }
          return;
        }
        if (conn) handle(m, conn);
        else early.push(m); // sent right after the hello, before the connection is set up
      });
    });
    const hello = await first;
    if (!hello) return;
    const parsed = parseNodeId(hello.node?.id ?? "");
    if (!parsed) {
      await fail(3, "missing node ID");
      return;
    }
    const metadata = hello.node.metadata ?? {};
    const namespace = String(metadata["NAMESPACE"] ?? parsed.namespace);
    const serviceAccount = String(metadata["SERVICE_ACCOUNT"] ?? "");
    const node: ProxyNode = { ...parsed, nodeId: hello.node.id, namespace, metadata, labels: { ...((metadata["LABELS"] as Record<string, string> | undefined) ?? {}) } };
    // checkConnectionIdentity: one identity must match the node's namespace (and service account when given)
    let verified: { namespace: string; serviceAccount: string } | undefined = identities === undefined ? { namespace, serviceAccount } : undefined;
    for (const id of identities ?? []) {
      const m = /^spiffe:\/\/[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(id);
      if (!m) continue;
      if (m[1] !== namespace || (serviceAccount && m[2] !== serviceAccount)) continue;
      verified = { namespace: m[1]!, serviceAccount: m[2]! };
      break;
    }
    if (!verified && identities) {
      log.warn(scope, `Unauthorized XDS: ${peer} with identity [${identities.join(" ")}]: no identities ([${identities.join(" ")}]) matched ${namespace}/${serviceAccount}`);
      await fail(7, `authorization failed: no identities ([${identities.join(" ")}]) matched ${namespace}/${serviceAccount}`);
      return;
    }
    const conId = `${profile.connectionIdFromNodeId ? node.nodeId : node.id}-${++this.counter}`;
    conn = { conId, peer, stream, node, connectedAt: new Date(), identity: identities === undefined ? undefined : verified };
    this.connections.set(conId, conn);
    log.info(scope, profile.deltaXds ? `ADS: new delta connection for node:${conId}` : `ADS: new connection for node:${conId}`);
    const registered = await this.o.workloadEntries.onConnect(conn).catch((e: Error) => e.message);
    if (registered && profile.minor > 8) {
      // current releases end the stream when the WorkloadEntry controller refuses the connection
      this.connections.delete(conId);
      const grpc = /^rpc error: code = (\w+) desc = ([\s\S]*)$/.exec(registered);
      const code = grpc?.[1] === "FailedPrecondition" ? 9 : 2;
      log.error(scope, `ADS: "${peer}" ${conId} terminated with error: ${registered}`);
      await fail(code, grpc ? grpc[2]! : registered);
      return;
    }
    for (const m of early.splice(0)) handle(m, conn);
    await this.refreshDnsHosts();
    await this.push(conn, this.registry(), this.meshConfig(), true);
    await closed;
    this.connections.delete(conId);
    if (!this.stopped) log.info(scope, `ADS: "${peer}" ${conId} terminated`);
    await this.o.workloadEntries.onDisconnect(conn);
  }

  /** Ends every stream and cancels pending pushes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    for (const c of this.connections.values()) c.stream.close();
    await this.pushing;
  }
}
