// The mesh config istiod serves from ConfigMap `istio` (key `mesh`, YAML): the fields the lab's data plane uses, with
// Istio's defaults when a field (or the whole ConfigMap) is missing.
import yaml from "js-yaml";

/** The mesh config fields the lab reads. */
export interface MeshConfigView {
  trustDomain: string;
  rootNamespace: string;
  outboundTrafficPolicy: "ALLOW_ANY" | "REGISTRY_ONLY";
  /** defaultConfig.discoveryAddress (what agents dial). */
  discoveryAddress?: string;
  /** defaultConfig.proxyMetadata. */
  proxyMetadata: Record<string, string>;
  accessLogFile?: string;
}

/** Istio's defaults (mesh.DefaultMeshConfig). */
export const defaultMeshConfig = (istioNamespace = "istio-system"): MeshConfigView => ({
  trustDomain: "cluster.local",
  rootNamespace: istioNamespace,
  outboundTrafficPolicy: "ALLOW_ANY",
  proxyMetadata: {},
});

/** Parses the `mesh` text; a parse error keeps the defaults and returns the error. */
export const parseMeshConfig = (text: string | undefined, istioNamespace = "istio-system"): { mesh: MeshConfigView; error?: string } => {
  const mesh = defaultMeshConfig(istioNamespace);
  if (!text) return { mesh };
  let doc: any;
  try {
    doc = yaml.load(text);
  } catch (error) {
    return { mesh, error: (error as Error).message };
  }
  if (!doc || typeof doc !== "object") return { mesh };
  if (typeof doc.trustDomain === "string" && doc.trustDomain) mesh.trustDomain = doc.trustDomain;
  if (typeof doc.rootNamespace === "string" && doc.rootNamespace) mesh.rootNamespace = doc.rootNamespace;
  if (doc.outboundTrafficPolicy?.mode === "REGISTRY_ONLY") mesh.outboundTrafficPolicy = "REGISTRY_ONLY";
  if (typeof doc.defaultConfig?.discoveryAddress === "string") mesh.discoveryAddress = doc.defaultConfig.discoveryAddress;
  if (doc.defaultConfig?.proxyMetadata && typeof doc.defaultConfig.proxyMetadata === "object") {
    mesh.proxyMetadata = Object.fromEntries(Object.entries(doc.defaultConfig.proxyMetadata).map(([k, v]) => [k, String(v ?? "")]));
  }
  if (typeof doc.accessLogFile === "string") mesh.accessLogFile = doc.accessLogFile;
  return { mesh };
};
