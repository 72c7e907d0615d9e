// The proxy's configuration snapshot: everything istiod (and the agent) would push to a sidecar, as one typed value
// accepted at start and replaceable at run time. Validated once, at the entry, with the path of the first bad field.

/** PeerAuthentication mTLS modes. */
export type MtlsMode = "UNSET" | "DISABLE" | "PERMISSIVE" | "STRICT";

/** The endpoint label (security.istio.io/tlsMode) Istio uses to decide auto mTLS. */
export type EndpointTlsMode = "istio" | "disabled";

/** This proxy's own workload. */
export interface WorkloadInfo {
  /** Pod name, or the VM's hostname (POD_NAME on a VM is `hostname -s`). */
  name: string;
  /** Telemetry workload name: the Deployment for pods, ISTIO_META_WORKLOAD_NAME on a VM (default: name). */
  workloadName?: string;
  namespace: string;
  serviceAccount: string;
  /** Usually "cluster.local". */
  trustDomain: string;
  labels: Record<string, string>;
  /** Instance IPs; the first is INSTANCE_IP (ISTIO_SVC_IP on a VM). */
  ips: string[];
  /** "pod" or "vm" (the node id says sidecar~IP~name.ns~ns.svc.cluster.local either way). */
  kind: "pod" | "vm";
  /** ISTIO_META_CLUSTER_ID, "Kubernetes" by default. */
  clusterId?: string;
  /** ISTIO_META_NETWORK ("" = single network). */
  network?: string;
}

/** Certificates from the CA (SDS "default" and "ROOTCA"). */
export interface TlsMaterial {
  /** Leaf first, then intermediates (PEM). */
  certChainPem: string;
  privateKeyPem: string;
  /** Trusted roots (PEM, one or more). */
  rootCertsPem: string[];
}

/** One port of a mesh service. */
export interface ServicePort {
  /** Port name; its prefix (http, http2, grpc, tcp, tls, https…) gives the protocol as in Istio. */
  name: string;
  port: number;
  /** Container port the endpoints listen on (defaults to port). */
  targetPort?: number;
  /** Kubernetes appProtocol (wins over the name). */
  appProtocol?: string;
}

/** A service in the mesh registry (Kubernetes Service or ServiceEntry). */
export interface MeshService {
  /** FQDN: name.namespace.svc.cluster.local for Kubernetes services. */
  hostname: string;
  name: string;
  namespace: string;
  /** ClusterIPs / VIPs (empty for headless services). */
  addresses: string[];
  ports: ServicePort[];
  /** "Kubernetes" (default) or "External" (ServiceEntry). */
  registry?: "Kubernetes" | "External";
  /** ServiceEntry location MESH_EXTERNAL (never mTLS). */
  meshExternal?: boolean;
}

/** One endpoint of one service port (EDS). */
export interface MeshEndpoint {
  /** Hostname of the service it belongs to. */
  service: string;
  /** The service port number it serves. */
  servicePort: number;
  address: string;
  /** The endpoint's port (target port). */
  port: number;
  labels?: Record<string, string>;
  /** The tlsMode Istio computed; when absent: label security.istio.io/tlsMode, or "istio" for a WorkloadEntry with a
   * service account, else "disabled". */
  tlsMode?: EndpointTlsMode;
  serviceAccount?: string;
  /** "pod" (default) or "workloadentry". */
  kind?: "pod" | "workloadentry";
  namespace?: string;
  /** Workload name (pod name or WorkloadEntry name), for telemetry. */
  workloadName?: string;
  network?: string;
  locality?: { region?: string; zone?: string; subZone?: string };
  weight?: number;
  /** False for unhealthy endpoints (health checks / not ready); they are listed but not used. */
  healthy?: boolean;
}

/** A PeerAuthentication resource. */
export interface PeerAuthenticationPolicy {
  name: string;
  namespace: string;
  /** RFC 3339; the oldest policy wins among equals, as in Istio. */
  creationTimestamp?: string;
  /** spec.selector.matchLabels (absent or empty = namespace or mesh level). */
  selector?: Record<string, string>;
  mtls?: { mode: MtlsMode };
  /** spec.portLevelMtls, keyed by workload (container) port. */
  portLevelMtls?: Record<string, { mode: MtlsMode }>;
}

/** One entry of the DNS name table (istio.networking.nds.v1.NameTable). */
export interface NameInfo {
  ips: string[];
  /** "Kubernetes" for services with alternate short names, anything else for plain hosts. */
  registry: string;
  shortname?: string;
  namespace?: string;
}

/** The DNS name table, keyed by hostname without the trailing dot. */
export type NameTable = Record<string, NameInfo>;

/** Everything the proxy needs; replace it whole with proxy.update(). */
export interface ProxyConfig {
  /** Version of this snapshot (logged and shown in config_dump). */
  version: string;
  workload: WorkloadInfo;
  tls: TlsMaterial;
  services: MeshService[];
  endpoints: MeshEndpoint[];
  peerAuthentications: PeerAuthenticationPolicy[];
  /** Mesh root namespace (mesh-wide PeerAuthentication lives here); default istio-system. */
  meshRootNamespace?: string;
  /** meshConfig.outboundTrafficPolicy.mode; default ALLOW_ANY. */
  outboundTrafficPolicy?: "ALLOW_ANY" | "REGISTRY_ONLY";
  /** DNS name table for the agent's DNS proxy; absent until istiod sent one. */
  nameTable?: NameTable;
}

/** Thrown by validateProxyConfig; `path` points at the offending field. */
export class ProxyConfigError extends Error {
  override name = "ProxyConfigError";
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`invalid proxy config at ${path}: ${problem}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const MODES = new Set<MtlsMode>(["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]);

const str = (v: unknown, path: string, { optional = false, empty = false } = {}): void => {
  if (v === undefined && optional) return;
  if (typeof v !== "string" || (!empty && v === "")) throw new ProxyConfigError(path, `expected a${empty ? "" : " non-empty"} string`);
};
const port = (v: unknown, path: string): void => {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 65535) throw new ProxyConfigError(path, "expected a port number 1..65535");
};
const ip = (v: unknown, path: string): void => {
  if (typeof v !== "string" || !ipv4.test(v)) throw new ProxyConfigError(path, `expected an IPv4 address, got ${JSON.stringify(v)}`);
};
const labels = (v: unknown, path: string, optional = true): void => {
  if (v === undefined && optional) return;
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== "string")) throw new ProxyConfigError(path, "expected a map of strings");
};
const array = (v: unknown, path: string): unknown[] => {
  if (!Array.isArray(v)) throw new ProxyConfigError(path, "expected an array");
  return v;
};
const mode = (v: unknown, path: string): void => {
  if (!isObject(v) || !MODES.has(v["mode"] as MtlsMode)) throw new ProxyConfigError(`${path}.mode`, "expected UNSET, DISABLE, PERMISSIVE or STRICT");
};

/** Checks a snapshot's shape and values; returns it typed, or throws ProxyConfigError naming the first bad field. */
export const validateProxyConfig = (value: unknown): ProxyConfig => {
  if (!isObject(value)) throw new ProxyConfigError("$", "expected an object");
  str(value["version"], "$.version");
  const w = value["workload"];
  if (!isObject(w)) throw new ProxyConfigError("$.workload", "expected an object");
  for (const k of ["name", "namespace", "serviceAccount", "trustDomain"]) str(w[k], `$.workload.${k}`);
  labels(w["labels"], "$.workload.labels", false);
  const ips = array(w["ips"], "$.workload.ips");
  if (ips.length === 0) throw new ProxyConfigError("$.workload.ips", "at least one instance IP is needed");
  ips.forEach((x, i) => ip(x, `$.workload.ips[${i}]`));
  if (w["kind"] !== "pod" && w["kind"] !== "vm") throw new ProxyConfigError("$.workload.kind", 'expected "pod" or "vm"');
  str(w["clusterId"], "$.workload.clusterId", { optional: true });
  str(w["network"], "$.workload.network", { optional: true, empty: true });

  const tls = value["tls"];
  if (!isObject(tls)) throw new ProxyConfigError("$.tls", "expected an object");
  for (const k of ["certChainPem", "privateKeyPem"]) {
    str(tls[k], `$.tls.${k}`);
    if (!(tls[k] as string).includes("-----BEGIN")) throw new ProxyConfigError(`$.tls.${k}`, "expected PEM text");
  }
  const roots = array(tls["rootCertsPem"], "$.tls.rootCertsPem");
  if (roots.length === 0) throw new ProxyConfigError("$.tls.rootCertsPem", "at least one root certificate is needed");
  roots.forEach((r, i) => str(r, `$.tls.rootCertsPem[${i}]`));

  array(value["services"], "$.services").forEach((s, i) => {
    const p = `$.services[${i}]`;
    if (!isObject(s)) throw new ProxyConfigError(p, "expected an object");
    for (const k of ["hostname", "name", "namespace"]) str(s[k], `${p}.${k}`);
    array(s["addresses"], `${p}.addresses`).forEach((a, j) => ip(a, `${p}.addresses[${j}]`));
    array(s["ports"], `${p}.ports`).forEach((sp, j) => {
      if (!isObject(sp)) throw new ProxyConfigError(`${p}.ports[${j}]`, "expected an object");
      str(sp["name"], `${p}.ports[${j}].name`, { empty: true });
      port(sp["port"], `${p}.ports[${j}].port`);
      if (sp["targetPort"] !== undefined) port(sp["targetPort"], `${p}.ports[${j}].targetPort`);
      str(sp["appProtocol"], `${p}.ports[${j}].appProtocol`, { optional: true });
    });
  });
  array(value["endpoints"], "$.endpoints").forEach((e, i) => {
    const p = `$.endpoints[${i}]`;
    if (!isObject(e)) throw new ProxyConfigError(p, "expected an object");
    str(e["service"], `${p}.service`);
    port(e["servicePort"], `${p}.servicePort`);
    ip(e["address"], `${p}.address`);
    port(e["port"], `${p}.port`);
    labels(e["labels"], `${p}.labels`);
    if (e["tlsMode"] !== undefined && e["tlsMode"] !== "istio" && e["tlsMode"] !== "disabled") {
      throw new ProxyConfigError(`${p}.tlsMode`, 'expected "istio" or "disabled"');
    }
    str(e["serviceAccount"], `${p}.serviceAccount`, { optional: true, empty: true });
  });
  array(value["peerAuthentications"], "$.peerAuthentications").forEach((pa, i) => {
    const p = `$.peerAuthentications[${i}]`;
    if (!isObject(pa)) throw new ProxyConfigError(p, "expected an object");
    str(pa["name"], `${p}.name`);
    str(pa["namespace"], `${p}.namespace`);
    labels(pa["selector"], `${p}.selector`);
    if (pa["mtls"] !== undefined) mode(pa["mtls"], `${p}.mtls`);
    if (pa["portLevelMtls"] !== undefined) {
      if (!isObject(pa["portLevelMtls"])) throw new ProxyConfigError(`${p}.portLevelMtls`, "expected a map of port to {mode}");
      for (const [k, v] of Object.entries(pa["portLevelMtls"])) {
        port(Number(k), `${p}.portLevelMtls.${k}`);
        mode(v, `${p}.portLevelMtls.${k}`);
      }
    }
  });
  const policy = value["outboundTrafficPolicy"];
  if (policy !== undefined && policy !== "ALLOW_ANY" && policy !== "REGISTRY_ONLY") {
    throw new ProxyConfigError("$.outboundTrafficPolicy", "expected ALLOW_ANY or REGISTRY_ONLY");
  }
  if (value["nameTable"] !== undefined) {
    if (!isObject(value["nameTable"])) throw new ProxyConfigError("$.nameTable", "expected a map of hostname to name info");
    for (const [host, info] of Object.entries(value["nameTable"])) {
      if (!isObject(info)) throw new ProxyConfigError(`$.nameTable["${host}"]`, "expected an object");
      array(info["ips"], `$.nameTable["${host}"].ips`).forEach((a, j) => ip(a, `$.nameTable["${host}"].ips[${j}]`));
      str(info["registry"], `$.nameTable["${host}"].registry`, { empty: true });
    }
  }
  return value as unknown as ProxyConfig;
};
