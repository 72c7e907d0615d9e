// pilot-agent's inputs, gathered like the real one: the environment the injector (pods) or istio-start.sh (VM, from
// cluster.env and sidecar.env) sets, the mesh config file (./etc/istio/config/mesh: defaultConfig, whose
// proxyMetadata fills missing variables) and PROXY_CONFIG (YAML or JSON, wins over the file).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

/** The agent's configuration. */
export interface AgentConfig {
  istioVersion: string;
  /** `proxy sidecar` or `proxy router`. */
  mode: "sidecar" | "router";
  /** In a pod (in-cluster service account) or on a VM. */
  kind: "pod" | "vm";
  podName: string;
  namespace: string;
  /** INSTANCE_IP first (ISTIO_SVC_IP on a VM). */
  ips: string[];
  serviceAccount: string;
  trustDomain: string;
  clusterId: string;
  network: string;
  meshId: string;
  labels: Record<string, string>;
  /** Where xDS goes (proxyConfig.discoveryAddress, default istiod.istio-system.svc:15012). */
  discoveryAddress: string;
  /** Where CSRs go (CA_ADDR, default the discovery address). */
  caAddress: string;
  dnsCapture: boolean;
  routerMode: "standard" | "sni-dnat";
  /** Node metadata sent in the hello (ISTIO_META_* and the agent's own keys). */
  metadata: Record<string, unknown>;
  /** Relative to the working directory, as pilot-agent reads it (./var/run/secrets/tokens/istio-token). */
  tokenPath: string;
  /** PROV_CERT (VM: /etc/certs): existing key/cert for renewal and the root certificate. */
  provCert?: string;
  /** OUTPUT_CERTS (VM: /etc/certs): where new certificates are written. */
  outputCerts?: string;
  /** proxyConfig.readinessProbe (WorkloadGroup probe): health checks reported to istiod. */
  readinessProbe?: ProbeSpec;
  /** Working directory (relative paths resolve here). */
  cwd: string;
  /** Kubernetes cluster domain. */
  domain: string;
}

/** A readiness probe of the workload (httpGet or tcpSocket, like a Kubernetes probe). */
export interface ProbeSpec {
  httpGet?: { path?: string; port: number; host?: string };
  tcpSocket?: { port: number; host?: string };
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

/** Thrown for a configuration the agent cannot start with. */
export class AgentConfigError extends Error {
  override name = "AgentConfigError";
}

const SA_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

const parseJson = <T>(text: string | undefined, what: string): T | undefined => {
  if (!text || !text.trim()) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new AgentConfigError(`failed to parse ${what}: ${(error as Error).message}`);
  }
};

/** Parses a YAML (or JSON) document; undefined for an empty one. */
const parseYaml = <T>(text: string | undefined, what: string): T | undefined => {
  if (!text || !text.trim()) return undefined;
  try {
    return (yaml.load(text) ?? undefined) as T | undefined;
  } catch (error) {
    throw new AgentConfigError(`failed to parse ${what}: ${(error as Error).message}`);
  }
};

/** The proxy config: mesh file's defaultConfig, then PROXY_CONFIG over it. */
const proxyConfigOf = (env: NodeJS.ProcessEnv, cwd: string): Record<string, any> => {
  const meshFile = path.resolve(cwd, env["MESH_CONFIG_FILE"] ?? "./etc/istio/config/mesh");
  let fromFile: Record<string, any> = {};
  if (existsSync(meshFile)) {
    const text = readFileSync(meshFile, "utf8");
    const doc = text.trim() ? (yaml.load(text) as Record<string, any> | undefined) : undefined;
    fromFile = (doc?.["defaultConfig"] as Record<string, any> | undefined) ?? {};
  }
  // PROXY_CONFIG is YAML (istio-start.sh writes `serviceCluster: …` lines; the injector writes JSON, a subset of YAML).
  const fromEnv = parseYaml<Record<string, any>>(env["PROXY_CONFIG"], "PROXY_CONFIG") ?? {};
  return { ...fromFile, ...fromEnv, proxyMetadata: { ...(fromFile["proxyMetadata"] ?? {}), ...(fromEnv["proxyMetadata"] ?? {}) } };
};

/** Builds the configuration from the command line words (`sidecar`/`router`), the environment and the files. */
export const loadAgentConfig = ({
  istioVersion,
  mode,
  env: rawEnv,
  cwd = process.cwd(),
  domainFlag,
}: {
  istioVersion: string;
  mode: "sidecar" | "router";
  env: NodeJS.ProcessEnv;
  cwd?: string;
  domainFlag?: string;
}): AgentConfig => {
  const proxyConfig = proxyConfigOf(rawEnv, cwd);
  // proxyMetadata fills variables the environment does not set (what the VM's mesh.yaml carries)
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(Object.entries(proxyConfig["proxyMetadata"] ?? {}).map(([k, v]) => [k, String(v)])), ...rawEnv };
  const kind: AgentConfig["kind"] = env["KUBERNETES_SERVICE_HOST"] && existsSync(SA_TOKEN) ? "pod" : "vm";
  const podName = env["POD_NAME"] || "";
  const namespace = env["POD_NAMESPACE"] || "default";
  if (!podName) throw new AgentConfigError("POD_NAME is not set");
  const ips = (env["INSTANCE_IP"] || env["ISTIO_SVC_IP"] || "").split(",").map((s) => s.trim()).filter(Boolean);
  if (!ips.length) throw new AgentConfigError("INSTANCE_IP is not set: the agent cannot tell its own address");
  const discoveryAddress = String(proxyConfig["discoveryAddress"] || "istiod.istio-system.svc:15012");
  const labels = parseJson<Record<string, string>>(env["ISTIO_METAJSON_LABELS"], "ISTIO_METAJSON_LABELS") ?? {};
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (k.startsWith("ISTIO_METAJSON_")) metadata[k.slice("ISTIO_METAJSON_".length)] = parseJson(v, k);
    else if (k.startsWith("ISTIO_META_")) metadata[k.slice("ISTIO_META_".length)] = v;
  }
  const serviceAccount = env["SERVICE_ACCOUNT"] || "default";
  const trustDomain = env["TRUST_DOMAIN"] || "cluster.local";
  const routerMode = env["ISTIO_META_ROUTER_MODE"] === "sni-dnat" ? "sni-dnat" : "standard";
  Object.assign(metadata, {
    NAMESPACE: namespace,
    SERVICE_ACCOUNT: serviceAccount,
    INSTANCE_IPS: ips.join(","),
    ISTIO_VERSION: istioVersion,
    LABELS: labels,
    kind,
    ...(proxyConfig["readinessProbe"] ? { PROXY_CONFIG: { readinessProbe: proxyConfig["readinessProbe"] } } : {}),
  });
  const domain = (domainFlag ?? `${namespace}.svc.cluster.local`).replace(/^[^.]+\.svc\./, "");
  return {
    istioVersion,
    mode,
    kind,
    podName,
    namespace,
    ips,
    serviceAccount,
    trustDomain,
    clusterId: env["ISTIO_META_CLUSTER_ID"] || "Kubernetes",
    network: env["ISTIO_META_NETWORK"] || "",
    meshId: env["ISTIO_META_MESH_ID"] || "",
    labels,
    discoveryAddress,
    caAddress: env["CA_ADDR"] || discoveryAddress,
    dnsCapture: (env["ISTIO_META_DNS_CAPTURE"] ?? "").toLowerCase() === "true",
    routerMode,
    metadata,
    tokenPath: "./var/run/secrets/tokens/istio-token",
    provCert: env["PROV_CERT"] || undefined,
    outputCerts: env["OUTPUT_CERTS"] || undefined,
    readinessProbe: proxyConfig["readinessProbe"] as ProbeSpec | undefined,
    cwd,
    domain: domain || "cluster.local",
  };
};

/** Envoy's node id of this proxy. */
export const nodeId = (c: AgentConfig): string => `${c.mode}~${c.ips[0]}~${c.podName}.${c.namespace}~${c.namespace}.svc.${c.domain}`;
