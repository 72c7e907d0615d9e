// One proxy's configuration snapshot, computed from the registry, the mesh config and the policies — what istiod's
// CDS/EDS/LDS/RDS (and NDS for the DNS proxy) would push to it, as the lab's ProxyConfig plus the gateway part.
import { createHash } from "node:crypto";
import type { NameTable, PeerAuthenticationPolicy } from "../../proxy/config.js";
import type { GatewayConfig } from "../../gateway/config.js";
import type { IstiodMessage } from "../../xds/protocol.js";
import { buildGatewayConfig } from "./gateways.js";
import type { MeshConfigView } from "./mesh-config.js";
import type { Registry } from "./services.js";
import type { ConfigStore } from "./store.js";

/** A connected proxy as istiod models it (model.Proxy). */
export interface ProxyNode {
  /** Envoy's node id: `<type>~<ip>~<name>.<ns>~<ns>.svc.<domain>`. */
  nodeId: string;
  type: "sidecar" | "router";
  ips: string[];
  /** `<name>.<ns>` */
  id: string;
  name: string;
  namespace: string;
  metadata: Record<string, unknown>;
  /** Labels: node metadata LABELS, else the pod's. */
  labels: Record<string, string>;
}

/** Parses Envoy's node id; undefined when malformed. */
export const parseNodeId = (nodeId: string): Pick<ProxyNode, "type" | "ips" | "id" | "name" | "namespace"> | undefined => {
  const parts = nodeId.split("~");
  if (parts.length !== 4) return undefined;
  const [type, ip, id, domain] = parts as [string, string, string, string];
  if (type !== "sidecar" && type !== "router") return undefined;
  const dot = id.lastIndexOf(".");
  const name = dot > 0 ? id.slice(0, dot) : id;
  const namespace = dot > 0 ? id.slice(dot + 1) : domain.split(".")[0] ?? "default";
  return { type, ips: ip.split(",").filter(Boolean), id, name, namespace };
};

/** The snapshot content. */
export interface Snapshot {
  config: Extract<IstiodMessage, { type: "snapshot" }>["config"];
  nameTable: NameTable;
  version: string;
  /** Sizes and counts for istiod's push log lines. */
  stats: { clusters: number; endpoints: number; listeners: number; routes: number; names: number; bytes: number };
}

/** DNS name table (istio.networking.nds.v1.NameTable) for the registry. */
export const buildNameTable = (registry: Registry): NameTable => {
  const table: NameTable = {};
  for (const s of registry.services) {
    const kube = (s.registry ?? "Kubernetes") === "Kubernetes";
    const ips = s.addresses.length ? [...s.addresses] : kube ? [...new Set(registry.endpoints.filter((e) => e.service === s.hostname).map((e) => e.address))] : [];
    if (!ips.length) continue;
    table[s.hostname] = kube ? { ips, registry: "Kubernetes", shortname: s.name, namespace: s.namespace } : { ips, registry: "External" };
  }
  return table;
};

const peerAuthentications = (store: ConfigStore): PeerAuthenticationPolicy[] =>
  store.list("peerauthentications").map((pa) => {
    const spec = pa["spec"] ?? {};
    const portLevel = spec["portLevelMtls"] as Record<string, { mode?: string }> | undefined;
    return {
      name: String(pa["metadata"]["name"]),
      namespace: String(pa["metadata"]["namespace"]),
      creationTimestamp: pa["metadata"]["creationTimestamp"],
      ...(spec["selector"]?.["matchLabels"] ? { selector: spec["selector"]["matchLabels"] } : {}),
      ...(spec["mtls"]?.["mode"] ? { mtls: { mode: spec["mtls"]["mode"] } } : spec["mtls"] ? { mtls: { mode: "UNSET" } } : {}),
      ...(portLevel ? { portLevelMtls: Object.fromEntries(Object.entries(portLevel).map(([k, v]) => [k, { mode: (v?.mode ?? "UNSET") as "UNSET" }])) } : {}),
    } as PeerAuthenticationPolicy;
  });

/** Builds the snapshot of `node`. */
export const buildSnapshot = ({
  store,
  node,
  mesh,
  registry,
  domain,
}: {
  store: ConfigStore;
  node: ProxyNode;
  mesh: MeshConfigView;
  registry: Registry;
  domain: string;
}): Snapshot => {
  const gateway: GatewayConfig | undefined =
    node.type === "router"
      ? buildGatewayConfig({ store, labels: node.labels, namespace: node.namespace, routerMode: node.metadata["ROUTER_MODE"] === "sni-dnat" ? "sni-dnat" : "standard", domain })
      : undefined;
  const config: Snapshot["config"] = {
    version: "",
    workload: { labels: node.labels },
    services: registry.services,
    endpoints: registry.endpoints,
    peerAuthentications: peerAuthentications(store),
    meshRootNamespace: mesh.rootNamespace,
    outboundTrafficPolicy: mesh.outboundTrafficPolicy,
    ...(gateway ? { gateway } : {}),
  };
  const nameTable = buildNameTable(registry);
  const body = JSON.stringify({ config, nameTable });
  const version = createHash("sha256").update(body).digest("hex").slice(0, 12);
  config.version = version;
  return {
    config,
    nameTable,
    version,
    stats: {
      clusters: registry.services.reduce((n, s) => n + s.ports.length, 0),
      endpoints: registry.endpoints.length,
      listeners: gateway ? gateway.listeners.length : 2,
      routes: gateway ? gateway.listeners.reduce((n, l) => n + l.routes.length, 0) : new Set(registry.services.flatMap((s) => s.ports.map((p) => p.port))).size,
      names: Object.keys(nameTable).length,
      bytes: body.length,
    },
  };
};
