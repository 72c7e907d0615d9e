// WorkloadEntry auto-registration (pilot/pkg/xds/workloadentry.go in 1.8, pilot/pkg/autoregistration now): a proxy
// connecting with AUTO_REGISTER_GROUP gets `<group>-<ip>[-<network>]` created from the WorkloadGroup's template
// (labels: template < group metadata < proxy metadata; annotations autoRegistrationGroup, workloadController,
// connectedAt; owner: the group). On disconnect the entry is marked disconnectedAt and deleted after the grace period
// unless the proxy came back. With health checks on, probe reports become the Healthy condition.
import { setTimeout as sleep } from "node:timers/promises";
import { KubeRestError, type KubeJson, type KubeRest } from "./kube/rest.js";
import type { IstiodLogger } from "./log.js";
import type { IstiodProfile } from "./release.js";
import type { ProxyNode } from "./registry/snapshot.js";
import type { ConfigStore } from "./registry/store.js";

/** Annotations of auto-registered entries. */
export const AUTO_REGISTRATION_GROUP = "istio.io/autoRegistrationGroup";
export const WORKLOAD_CONTROLLER = "istio.io/workloadController";
export const CONNECTED_AT = "istio.io/connectedAt";
export const DISCONNECTED_AT = "istio.io/disconnectedAt";
export const HEALTH_CHECKS_ENABLED = "proxy.istio.io/health-checks-enabled";

/** A connection as the controller sees it. */
export interface RegisteredConnection {
  node: ProxyNode;
  connectedAt: Date;
  /** SPIFFE identity verified on the stream (namespace, service account). */
  identity?: { namespace: string; serviceAccount: string };
  /** Set by onConnect: the entry this connection controls. */
  entryName?: string;
}

/** Go's time.RFC3339Nano rendering of a Date (trailing zeros of the fraction trimmed). */
export const rfc3339Nano = (d: Date): string => d.toISOString().replace(/\.?0+Z$/, "Z");

/** Options of the controller. */
export interface AutoRegistrationOptions {
  rest: KubeRest;
  store: ConfigStore;
  profile: IstiodProfile;
  autoRegistration: boolean;
  healthChecks: boolean;
  gracePeriodMs: number;
  /** istiod's pod name (the workloadController value). */
  instanceId: string;
  log: IstiodLogger;
}

/** The WorkloadEntry controller. */
export class WorkloadEntryController {
  private readonly connections = new Map<string, Set<RegisteredConnection>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly o: AutoRegistrationOptions) {}

  /** The entry name for a proxy (`<group>-<ip>[-<network>]`, IPv6 colons as dashes, cut to 253 from the left). */
  static entryName(node: ProxyNode, log?: (m: string) => void): string | undefined {
    const group = String(node.metadata["AUTO_REGISTER_GROUP"] ?? "");
    if (!group) return undefined;
    const ip = node.ips[0];
    if (!ip) {
      log?.(`auto-registration of ${node.nodeId} failed: missing IP addresses`);
      return undefined;
    }
    const network = String(node.metadata["NETWORK"] ?? "");
    let name = [group, ip.replaceAll(":", "-"), ...(network ? [network] : [])].join("-");
    if (name.length > 253) name = name.slice(name.length - 253);
    return name;
  }

  private get wePath(): string | undefined {
    const gv = this.o.store.groupVersion("workloadentries");
    return gv ? `/apis/${gv}` : undefined;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  /** Handles a new connection; an error text when registration was refused (the stream goes on either way). */
  onConnect(conn: RegisteredConnection): Promise<string | undefined> {
    return this.track(this.connect(conn));
  }

  private async connect(conn: RegisteredConnection): Promise<string | undefined> {
    if (!this.o.autoRegistration) return undefined;
    const { node } = conn;
    const scope = this.o.profile.wleScope;
    const name = WorkloadEntryController.entryName(node, (m) => this.o.log.error(scope, m));
    if (!name) return undefined;
    conn.entryName = name;
    const set = this.connections.get(`${node.namespace}/${name}`) ?? new Set();
    set.add(conn);
    this.connections.set(`${node.namespace}/${name}`, set);
    const base = await this.waitForCrdPath();
    const path = `${base}/namespaces/${node.namespace}/workloadentries`;
    const existing = await this.o.rest.getOptional(`${path}/${name}`);
    if (existing) {
      const refused = this.identityMismatch(conn, existing);
      if (refused) return this.refuse(refused);
      const updated = structuredClone(existing);
      this.setConnected(updated, conn.connectedAt);
      try {
        await this.o.rest.request("PUT", `${path}/${name}`, { body: updated });
      } catch (error) {
        const text = this.o.profile.minor === 8 ? `updating auto-registered WorkloadEntry ${node.namespace}/${name}: ${(error as Error).message}` : `failed updating WorkloadEntry ${node.namespace}/${name} err: ${(error as Error).message}`;
        this.o.log.error(scope, text);
        return text;
      }
      if (this.o.profile.minor > 8) this.o.log.info(scope, `updated auto-registered WorkloadEntry ${node.namespace}/${name} as connected`);
      return undefined;
    }
    const group = this.o.store.get("workloadgroups", node.namespace, String(node.metadata["AUTO_REGISTER_GROUP"]));
    if (!group) {
      const text =
        this.o.profile.minor === 8
          ? `auto-registration of ${node.nodeId} failed: cannot find WorkloadGroup ${node.namespace}/${String(node.metadata["AUTO_REGISTER_GROUP"])}`
          : `rpc error: code = FailedPrecondition desc = auto-registration WorkloadEntry of ${node.id} failed: cannot find WorkloadGroup ${node.namespace}/${String(node.metadata["AUTO_REGISTER_GROUP"])}`;
      this.o.log.error(scope, text);
      return text;
    }
    const entry = this.entryFromGroup(name, node, group);
    const refused = this.identityMismatch(conn, entry);
    if (refused) return this.refuse(refused);
    this.setConnected(entry, conn.connectedAt);
    try {
      await this.o.rest.request("POST", path, { body: entry });
    } catch (error) {
      const text =
        this.o.profile.minor === 8
          ? `auto-registration of ${node.nodeId} failed: error creating WorkloadEntry: ${(error as Error).message}`
          : `auto-registration WorkloadEntry of ${node.id} failed: error creating WorkloadEntry: ${(error as Error).message}`;
      this.o.log.error(scope, text);
      return text;
    }
    const hc = entry["metadata"]["annotations"][HEALTH_CHECKS_ENABLED] === "true" && this.o.profile.minor > 8 ? " with health checking enabled" : "";
    this.o.log.info(scope, `auto-registered WorkloadEntry ${node.namespace}/${name}${hc}`);
    return undefined;
  }

  private refuse(text: string): string {
    this.o.log.error(this.o.profile.wleScope, text);
    return text;
  }

  /** ensureProxyCanControlEntry (current releases): the verified identity must match the entry. */
  private identityMismatch(conn: RegisteredConnection, entry: KubeJson): string | undefined {
    if (!this.o.profile.validatesEntryIdentity) return undefined;
    if (!conn.identity) return "registration of WorkloadEntry requires a verified identity";
    if (conn.identity.namespace !== entry["metadata"]["namespace"]) return `registration of WorkloadEntry namespace mismatch: "${conn.identity.namespace}" vs "${entry["metadata"]["namespace"]}"`;
    const sa = String(entry["spec"]?.["serviceAccount"] ?? "");
    if (sa && conn.identity.serviceAccount !== sa) return `registration of WorkloadEntry service account mismatch: "${conn.identity.serviceAccount}" vs "${sa}"`;
    return undefined;
  }

  private async waitForCrdPath(): Promise<string> {
    for (;;) {
      const path = this.wePath;
      if (path) return path;
      await sleep(200);
      if (this.stopped) throw new Error("stopped");
    }
  }

  private setConnected(entry: KubeJson, at: Date): void {
    const annotations = (entry["metadata"]["annotations"] ??= {});
    annotations[WORKLOAD_CONTROLLER] = this.o.instanceId;
    annotations[CONNECTED_AT] = rfc3339Nano(at);
    if (this.o.profile.minor > 8) delete annotations[DISCONNECTED_AT];
  }

  private entryFromGroup(name: string, node: ProxyNode, group: KubeJson): KubeJson {
    const template = structuredClone(group["spec"]?.["template"] ?? {});
    const metadata = group["spec"]?.["metadata"] ?? {};
    const labels: Record<string, string> = { ...(template["labels"] ?? {}), ...(metadata["labels"] ?? {}), ...(node.metadata["LABELS"] as Record<string, string> | undefined) };
    const annotations: Record<string, string> = { [AUTO_REGISTRATION_GROUP]: String(group["metadata"]["name"]), ...(metadata["annotations"] ?? {}) };
    const network = String(node.metadata["NETWORK"] ?? "");
    const proxyConfig = node.metadata["PROXY_CONFIG"] as { readinessProbe?: unknown } | undefined;
    if (this.o.healthChecks && proxyConfig?.readinessProbe) annotations[HEALTH_CHECKS_ENABLED] = "true";
    const gv = this.o.store.groupVersion("workloadentries")!;
    return {
      apiVersion: gv,
      kind: "WorkloadEntry",
      metadata: {
        name,
        namespace: node.namespace,
        labels,
        annotations,
        ownerReferences: [{ apiVersion: String(group["apiVersion"]), kind: "WorkloadGroup", name: String(group["metadata"]["name"]), uid: String(group["metadata"]["uid"]), controller: true }],
      },
      spec: { ...template, address: node.ips[0], labels, ...(network ? { network } : {}) },
    };
  }

  /** Handles the end of a connection: mark disconnected, then clean up after the grace period. */
  onDisconnect(conn: RegisteredConnection): Promise<void> {
    return this.track(this.disconnect(conn));
  }

  private async disconnect(conn: RegisteredConnection): Promise<void> {
    if (!this.o.autoRegistration || !conn.entryName || this.stopped) return;
    const key = `${conn.node.namespace}/${conn.entryName}`;
    const set = this.connections.get(key);
    set?.delete(conn);
    if (set?.size) return; // another connection of the same workload is still up
    this.connections.delete(key);
    const path = `${await this.waitForCrdPath()}/namespaces/${conn.node.namespace}/workloadentries/${conn.entryName}`;
    const current = await this.o.rest.getOptional(path);
    if (!current) return;
    const annotations = current["metadata"]["annotations"] ?? {};
    if (annotations[WORKLOAD_CONTROLLER] !== this.o.instanceId) return;
    if (annotations[CONNECTED_AT] && new Date(annotations[CONNECTED_AT]) > conn.connectedAt) return;
    const updated = structuredClone(current);
    const a = (updated["metadata"]["annotations"] ??= {});
    if (this.o.profile.minor === 8) delete a[WORKLOAD_CONTROLLER];
    else delete a[CONNECTED_AT];
    a[DISCONNECTED_AT] = rfc3339Nano(new Date());
    try {
      await this.o.rest.request("PUT", path, { body: updated });
    } catch (error) {
      if (!(error instanceof KubeRestError && error.status === 409)) {
        this.o.log.warn(this.o.profile.wleScope, `disconnect: failed updating WorkloadEntry ${conn.node.namespace}/${conn.entryName}: ${(error as Error).message}`);
      }
      return;
    }
    if (this.o.profile.minor > 8) this.o.log.info(this.o.profile.wleScope, `updated auto-registered WorkloadEntry ${conn.node.namespace}/${conn.entryName} as disconnected`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.track(this.cleanup(path, conn.node.namespace, conn.entryName!));
    }, this.o.gracePeriodMs);
    this.timers.add(timer);
  }

  private shouldCleanUp(entry: KubeJson): boolean {
    const a = entry["metadata"]["annotations"] ?? {};
    if (!a[AUTO_REGISTRATION_GROUP]) return false;
    if (this.o.profile.minor === 8 ? a[WORKLOAD_CONTROLLER] : a[CONNECTED_AT]) return false;
    const at = a[DISCONNECTED_AT];
    if (!at) return false;
    return Date.now() - new Date(at).getTime() >= this.o.gracePeriodMs;
  }

  private async cleanup(path: string, namespace: string, name: string): Promise<void> {
    if (this.stopped) return;
    const entry = await this.o.rest.getOptional(path);
    if (!entry || !this.shouldCleanUp(entry)) return;
    try {
      await this.o.rest.request("DELETE", path);
    } catch (error) {
      if (!(error instanceof KubeRestError && error.status === 404)) {
        this.o.log.warn(this.o.profile.wleScope, `failed cleaning up auto-registered WorkloadEntry ${namespace}/${name}: ${(error as Error).message}`);
        return;
      }
    }
    this.o.log.info(this.o.profile.wleScope, this.o.profile.minor === 8 ? `cleaned up auto-registered WorkloadEntry ${namespace}/${name}` : `cleaned up auto-registered WorkloadEntry ${namespace}/${name} periodic:false`);
  }

  /** A health report of a health-checked entry's proxy: sets the Healthy condition. */
  reportHealth(conn: RegisteredConnection, healthy: boolean, message?: string): Promise<void> {
    return this.track(this.writeHealth(conn, healthy, message));
  }

  private async writeHealth(conn: RegisteredConnection, healthy: boolean, message?: string): Promise<void> {
    if (!this.o.healthChecks || !conn.entryName) return;
    const path = `${await this.waitForCrdPath()}/namespaces/${conn.node.namespace}/workloadentries/${conn.entryName}`;
    const entry = await this.o.rest.getOptional(path);
    if (!entry || entry["metadata"]["annotations"]?.[HEALTH_CHECKS_ENABLED] !== "true") return;
    const now = rfc3339Nano(new Date());
    const conditions = ((entry["status"]?.["conditions"] ?? []) as KubeJson[]).filter((c) => c["type"] !== "Healthy");
    const previous = ((entry["status"]?.["conditions"] ?? []) as KubeJson[]).find((c) => c["type"] === "Healthy");
    const status = healthy ? "True" : "False";
    conditions.push({
      type: "Healthy",
      status,
      lastProbeTime: now,
      lastTransitionTime: previous?.["status"] === status ? previous["lastTransitionTime"] : now,
      ...(healthy || !message ? {} : { message }),
    });
    try {
      await this.o.rest.request("PUT", `${path}/status`, { body: { ...entry, status: { ...(entry["status"] ?? {}), conditions } } });
    } catch (error) {
      this.o.log.error("healthcheck", `error while updating health status for ${conn.node.id}: ${(error as Error).message}`);
    }
  }

  /** Cancels pending clean-ups and waits for running calls. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
  }
}
