// The VM's proxy config for `x workload entry configure`: mesh config `defaultConfig` from the `istio` ConfigMap, the
// WorkloadGroup's proxy.istio.io/config annotations, and the metadata istioctl adds (canonical service, namespace,
// service account, trust domain, cluster ID, mesh ID, network, pod ports, workload name, labels, DNS capture, the
// auto-registration group). It feeds both mesh.yaml and cluster.env.
import yaml from "js-yaml";
import type { ReleaseFacts } from "../../release/versions.js";
import { goJsonMarshal, goJsonStruct } from "./go-json.js";

type Obj = Record<string, any>;

/** The WorkloadGroup as read from a file or the API (defaults filled like istioctl: service account "default"). */
export interface WorkloadGroupDoc {
  name: string;
  namespace: string;
  annotations: Record<string, string>;
  metadataLabels: Record<string, string>;
  metadataAnnotations: Record<string, string>;
  template: { ports: Record<string, number>; labels: Record<string, string>; serviceAccount: string; network: string };
  probe?: Obj;
}

/** Inputs besides the WorkloadGroup. */
export interface ProxyConfigInput {
  facts: ReleaseFacts;
  /** The parsed `mesh` of ConfigMap istio. */
  mesh: Obj;
  clusterID: string;
  dnsCapture: boolean;
  autoRegister: boolean;
  /** Printed when template labels override metadata labels (istioctl prints it on stdout). */
  print: (text: string) => void;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Drops proto3 zero scalars and empty lists from message fields (what jsonpb leaves out); maps keep their entries. */
const protoJson = (v: unknown, isMap = false): unknown => {
  if (Array.isArray(v)) return v.map((i) => protoJson(i));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, value] of Object.entries(v)) {
    if (!isMap && (value === "" || value === false || value === 0 || value === null || (Array.isArray(value) && !value.length))) continue;
    out[k] = protoJson(value, k === "proxyMetadata");
  }
  return out;
};

/** Go's `fmt` of a map[string]string (`map[a:b c:d]`, keys sorted). */
const goMapString = (m: Record<string, string>): string => `map[${Object.keys(m).sort().map((k) => `${k}:${m[k]}`).join(" ")}]`;

/** istioctl's POD_PORTS value: a JSON array of {name, containerPort, protocol} sorted by name (≤ 1.20 as a quoted string). */
const podPorts = (facts: ReleaseFacts, ports: Record<string, number>): string | undefined => {
  const names = Object.keys(ports).sort();
  if (!names.length) return undefined;
  const json = goJsonStruct(names.map((name) => ({ ...(name ? { name } : {}), containerPort: ports[name], protocol: "" })));
  return facts.podPortsQuoted ? `"${json.replace(/"/g, '\\"')}"` : json;
};

/** The proxy config (defaultConfig) with istioctl's metadata; proxyMetadata is what cluster.env starts from. */
export const vmProxyConfig = (wg: WorkloadGroupDoc, input: ProxyConfigInput): Obj => {
  const { facts, mesh } = input;
  const defaultConfig: Obj = structuredClone(isObj(mesh["defaultConfig"]) ? mesh["defaultConfig"] : { proxyMetadata: {} });
  const proxyMetadata: Record<string, string> = { ...(isObj(defaultConfig["proxyMetadata"]) ? defaultConfig["proxyMetadata"] : {}) };
  for (const annotations of [wg.annotations, wg.metadataAnnotations]) {
    const pc = annotations["proxy.istio.io/config"];
    if (pc === undefined) continue;
    const parsed = (yaml.load(pc) ?? {}) as Obj;
    Object.assign(defaultConfig, parsed);
    Object.assign(proxyMetadata, isObj(parsed["proxyMetadata"]) ? parsed["proxyMetadata"] : {});
  }
  const labels: Record<string, string> = { ...wg.metadataLabels };
  if (Object.keys(wg.template.labels).length) {
    input.print(`Labels should be set in the metadata. The following WorkloadEntry labels will override metadata labels: ${goMapString(wg.template.labels)}\n`);
    Object.assign(labels, wg.template.labels);
  }
  const pick = (keys: string[], fallback: string) => {
    const key = keys.find((k) => k in labels);
    return key === undefined ? fallback : labels[key]!;
  };
  const md = proxyMetadata;
  md["CANONICAL_SERVICE"] = pick(["service.istio.io/canonical-name", "app.kubernetes.io/name", "app"], wg.name);
  md["CANONICAL_REVISION"] = pick(["service.istio.io/canonical-revision", "app.kubernetes.io/version", "version"], "latest");
  md["POD_NAMESPACE"] = wg.namespace;
  md["SERVICE_ACCOUNT"] = wg.template.serviceAccount;
  md["TRUST_DOMAIN"] = typeof mesh["trustDomain"] === "string" ? mesh["trustDomain"] : "";
  md["ISTIO_META_CLUSTER_ID"] = input.clusterID;
  md["ISTIO_META_MESH_ID"] = typeof defaultConfig["meshId"] === "string" ? defaultConfig["meshId"] : "";
  md["ISTIO_META_NETWORK"] = wg.template.network;
  const ports = podPorts(facts, wg.template.ports);
  if (ports !== undefined) md["ISTIO_META_POD_PORTS"] = ports;
  md["ISTIO_META_WORKLOAD_NAME"] = wg.name;
  labels["service.istio.io/canonical-name"] = md["CANONICAL_SERVICE"];
  labels[facts.metaJsonRevisionLabel] = md["CANONICAL_REVISION"];
  md["ISTIO_METAJSON_LABELS"] = goJsonMarshal(labels);
  if (input.dnsCapture) md["ISTIO_META_DNS_CAPTURE"] = "true";
  if (input.autoRegister) md["ISTIO_META_AUTO_REGISTER_GROUP"] = wg.name;
  const out = protoJson({ ...defaultConfig, ...(facts.version.minor >= 12 && wg.probe ? { readinessProbe: wg.probe } : {}) }) as Obj;
  out["proxyMetadata"] = md;
  return out;
};
