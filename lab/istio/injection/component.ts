// Istio's sidecar injector as an in-process admission plugin of the lab's API server (the lab calls no HTTP
// webhooks): active while the MutatingWebhookConfiguration istio-sidecar-injector exists; for a pod CREATE that one of
// its webhooks selects (namespaceSelector istio-injection=enabled …, objectSelector sidecar.istio.io/inject != false)
// and the injector requires, it renders the release's template from ConfigMaps istio-sidecar-injector (values) and
// istio (mesh defaultConfig) of istiod's namespace.
import yaml from "js-yaml";
import { ApiError, type AdmissionRequest, type ClusterApi, type ClusterComponent, type ClusterComponentContext, type KubeObject } from "../../cluster/contracts.js";
import { injectRequired, webhookSelects } from "./policy.js";
import { injectGateway, injectSidecar } from "./template.js";

type Obj = Record<string, any>;

const T = {
  namespaces: { group: "", version: "v1", resource: "namespaces" },
  configmaps: { group: "", version: "v1", resource: "configmaps" },
  nodes: { group: "", version: "v1", resource: "nodes" },
  webhooks: { group: "admissionregistration.k8s.io", version: "v1", resource: "mutatingwebhookconfigurations" },
} as const;

/** Name of the injector's webhook configuration. */
export const INJECTOR_WEBHOOK = "istio-sidecar-injector";

const getOptional = async (api: ClusterApi, type: (typeof T)[keyof typeof T], name: string, namespace?: string): Promise<KubeObject | undefined> => {
  try {
    return await api.get(type, name, namespace);
  } catch (error) {
    if (error instanceof ApiError && error.code === 404) return undefined;
    throw error;
  }
};

/** Kubelet minor version of a node ("v1.33.9" → 33). */
const kubeletMinor = (node: KubeObject | undefined): number => Number(/^v?1\.(\d+)/.exec(String(node?.status?.nodeInfo?.kubeletVersion ?? ""))?.[1] ?? 0);

/** The admission plugin (exported for tests that drive it without a daemon). */
export const sidecarInjectionPlugin = (api: ClusterApi, log: (line: string) => void = () => undefined) => ({
  name: "IstioSidecarInjector",
  mutate: async (request: AdmissionRequest): Promise<void> => {
    if (request.operation !== "CREATE" || request.resource.resource !== "pods" || request.resource.group !== "" || request.subresource || !request.object) return;
    const webhook = await getOptional(api, T.webhooks, INJECTOR_WEBHOOK);
    if (!webhook) return;
    const pod = request.object;
    const namespace = pod.metadata.namespace ?? request.namespace ?? "default";
    const ns = await getOptional(api, T.namespaces, namespace);
    if (!webhookSelects(webhook, ns?.metadata.labels ?? {}, pod)) return;
    const istioNamespace = String(((webhook["webhooks"] ?? []) as Obj[])[0]?.["clientConfig"]?.["service"]?.["namespace"] ?? "istio-system");
    const injectorCm = await getOptional(api, T.configmaps, "istio-sidecar-injector", istioNamespace);
    if (!injectorCm) throw new ApiError(500, "InternalError", `Internal error occurred: failed calling webhook "sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.${istioNamespace}.svc:443/inject?timeout=10s": no endpoints available for service "istiod"`);
    const values = JSON.parse(String((injectorCm as Obj)["data"]?.["values"] ?? "{}")) as Obj;
    const config = (yaml.load(String((injectorCm as Obj)["data"]?.["config"] ?? "")) ?? {}) as Obj;
    const global = (values["global"] ?? {}) as Obj;
    const tag = String(global["tag"] ?? "");
    const minor = Number(/^1\.(\d+)/.exec(tag)?.[1] ?? 0);
    if (!injectRequired(pod, { minor, policy: config["policy"] === "disabled" ? "disabled" : "enabled" })) return;
    const meshCm = await getOptional(api, T.configmaps, "istio", istioNamespace);
    const mesh = (yaml.load(String((meshCm as Obj | undefined)?.["data"]?.["mesh"] ?? "")) ?? {}) as Obj;
    const nativeMode = String(values["pilot"]?.["env"]?.["ENABLE_NATIVE_SIDECARS"] ?? "auto");
    const annotation = pod.metadata.annotations?.["sidecar.istio.io/nativeSidecar"];
    let native = false;
    if (minor >= 28 && nativeMode !== "false") {
      const nodes = await api.list(T.nodes);
      native = nativeMode === "true" || (nodes.length > 0 && nodes.every((n) => kubeletMinor(n) >= 33));
    }
    if (annotation !== undefined) native = annotation !== "false";
    const templates = (pod.metadata.annotations?.["inject.istio.io/templates"] ?? "sidecar").split(",").map((t) => t.trim());
    const inject = minor >= 11 && templates.includes("gateway") ? injectGateway : injectSidecar;
    inject(pod, {
      tag,
      hub: String(global["hub"] ?? "docker.io/istio"),
      minor,
      proxyConfig: (mesh["defaultConfig"] ?? {}) as Obj,
      trustDomain: String(mesh["trustDomain"] ?? global["trustDomain"] ?? "cluster.local"),
      clusterId: String(global["multiCluster"]?.["clusterName"] || "Kubernetes"),
      network: String(global["network"] ?? ""),
      meshId: String(global["meshID"] ?? ""),
      istioNamespace,
      revision: String(values["revision"] ?? ""),
      nativeSidecar: native,
      rewriteAppHTTPProbe: values["sidecarInjectorWebhook"]?.["rewriteAppHTTPProbe"] !== false,
    });
    log(`injected ${namespace}/${pod.metadata.name || String(pod.metadata["generateName"] ?? "")} (${tag}${native ? ", native sidecar" : ""})`);
  },
});

/** The injector as a cluster component (registered in lab/cluster/components.ts). */
export const sidecarInjectionComponent = (): ClusterComponent => {
  let remove: (() => void) | undefined;
  return {
    name: "istio-sidecar-injector",
    start: async (api: ClusterApi, context: ClusterComponentContext) => {
      remove = context.registerAdmission(sidecarInjectionPlugin(api, context.log));
    },
    stop: async () => {
      remove?.();
      remove = undefined;
    },
  };
};
