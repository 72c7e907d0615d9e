// What the mesh looks like through the Kubernetes API, for version, proxy-status and uninstall: the istiod pods and
// their versions (istioctl asks istiod's :15014/version through the API; when the API server cannot proxy to the pod,
// the lab reads the version from the pod's image tag), and the data-plane proxies. The proxy list is the lab's stand-in
// for istiod's /debug/syncz until the istiod stand-in reports real connections: every running pod with an
// `istio-proxy` container, and every WorkloadEntry (a VM's proxy).
import { ISTIO_RELEASE_BUILDS, type ReleaseFacts } from "../../release/versions.js";
import type { KubeClient, KubeObj } from "../kube/client.js";
import { collectionPath, resourceKind } from "../kube/resources.js";

/** istio's BuildInfo. */
export interface BuildInfo {
  version: string;
  revision: string;
  golang_version: string;
  status: string;
  tag: string;
}

/** One proxy of the data plane. */
export interface ProxyInfo {
  id: string;
  version: string;
  /** "sidecar" or "gateway" (current releases' Type column). */
  type: string;
  /** The cluster the proxy reports (ISTIO_META_CLUSTER_ID). */
  clusterId: string;
}

/** The BuildInfo of a release the lab knows, or a bare one. */
export const buildInfoOf = (version: string): BuildInfo => {
  const build = ISTIO_RELEASE_BUILDS.find((b) => b.version === version);
  return build ? { version, revision: build.gitRevision, golang_version: build.golangVersion, status: "Clean", tag: version } : { version, revision: "", golang_version: "", status: "", tag: version };
};

/** Go's %#v of a BuildInfo. */
export const buildInfoLongForm = (b: BuildInfo): string =>
  `version.BuildInfo{Version:${JSON.stringify(b.version)}, GitRevision:${JSON.stringify(b.revision)}, GolangVersion:${JSON.stringify(b.golang_version)}, BuildStatus:${JSON.stringify(b.status)}, GitTag:${JSON.stringify(b.tag)}}`;

const isReady = (pod: KubeObj): boolean => ((pod["status"]?.["conditions"] ?? []) as KubeObj[]).some((c) => c["type"] === "Ready" && c["status"] === "True");

/** The istiod pods in `namespace` that istioctl would talk to: Running (and Ready on current releases). */
export const runningIstiods = async (client: KubeClient, facts: ReleaseFacts, namespace: string): Promise<KubeObj[]> => {
  const list = await client.request("GET", collectionPath(resourceKind("Pod"), namespace), { query: { labelSelector: "app=istiod", fieldSelector: "status.phase=Running" } });
  const pods = (list["items"] ?? []) as KubeObj[];
  return facts.version.minor >= 21 ? pods.filter(isReady) : pods;
};

/** The version of an istiod pod: `:15014/version` through the API's pod proxy, else its discovery image's tag. */
export const istiodVersion = async (client: KubeClient, pod: KubeObj): Promise<BuildInfo> => {
  const ns = String(pod["metadata"]["namespace"]);
  const name = String(pod["metadata"]["name"]);
  try {
    const answer = await client.request("GET", `/api/v1/namespaces/${ns}/pods/${name}:15014/proxy/version`);
    const text = typeof answer === "string" ? answer : JSON.stringify(answer);
    const parts = text.trim().split("-");
    if (parts.length >= 3 && /^\d+\.\d+/.test(parts[0]!)) return buildInfoOf(parts.slice(0, -2).join("-"));
  } catch {
    // the lab's API server has no pod proxy: fall through to the image
  }
  const image = String((((pod["spec"]?.["containers"] ?? []) as KubeObj[]).find((c) => c["name"] === "discovery") ?? {})["image"] ?? "");
  return buildInfoOf(image.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : "unknown");
};

/** The data-plane proxies (see the module comment for what is faked). */
export const dataPlaneProxies = async (client: KubeClient, fallbackVersion: string): Promise<ProxyInfo[]> => {
  const pods = ((await client.request("GET", collectionPath(resourceKind("Pod")), { query: { fieldSelector: "status.phase=Running" } }))["items"] ?? []) as KubeObj[];
  const proxies: ProxyInfo[] = [];
  for (const pod of pods) {
    const container = ((pod["spec"]?.["containers"] ?? []) as KubeObj[]).find((c) => c["name"] === "istio-proxy");
    if (!container || pod["metadata"]["labels"]?.["app"] === "istiod") continue;
    const image = String(container["image"] ?? "");
    const tag = /\/proxyv2:([^@]+)$/.exec(image)?.[1] ?? fallbackVersion;
    const gateway = (container["args"] ?? []).includes("router") || pod["metadata"]["annotations"]?.["inject.istio.io/templates"] === "gateway";
    const env = (container["env"] ?? []) as KubeObj[];
    proxies.push({ id: `${pod["metadata"]["name"]}.${pod["metadata"]["namespace"]}`, version: tag, type: gateway ? "gateway" : "sidecar", clusterId: String(env.find((e) => e["name"] === "ISTIO_META_CLUSTER_ID")?.["value"] ?? "Kubernetes") });
  }
  try {
    const entries = ((await client.request("GET", collectionPath(resourceKind("WorkloadEntry", "v1alpha3"))))["items"] ?? []) as KubeObj[];
    for (const we of entries) proxies.push({ id: `${we["metadata"]["name"]}.${we["metadata"]["namespace"]}`, version: fallbackVersion, type: "sidecar", clusterId: "Kubernetes" });
  } catch {
    // no WorkloadEntry CRD: no VMs
  }
  return proxies.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
};
