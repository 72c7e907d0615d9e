// The kubelet's calls to the API that go beyond get/list/update: binding a pod to the node (the scheduler's
// pods/binding), requesting a service-account token (serviceaccounts/token) and reading the cluster CA.
import { ApiError, type ClusterApi, type KubeObject, type ResourceType } from "../contracts.js";

/** Core v1 resource types the kubelet uses. */
export const CORE = {
  pods: { group: "", version: "v1", resource: "pods" },
  podBinding: { group: "", version: "v1", resource: "pods/binding" },
  services: { group: "", version: "v1", resource: "services" },
  configmaps: { group: "", version: "v1", resource: "configmaps" },
  secrets: { group: "", version: "v1", resource: "secrets" },
  nodes: { group: "", version: "v1", resource: "nodes" },
  serviceAccountToken: { group: "", version: "v1", resource: "serviceaccounts/token" },
} as const satisfies Record<string, ResourceType>;

/** Binds `pod` to `node` through pods/binding; falls back to setting spec.nodeName when the API has no binding. */
export const bindPod = async (api: ClusterApi, pod: KubeObject, node: string): Promise<void> => {
  const binding: KubeObject = {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
    target: { apiVersion: "v1", kind: "Node", name: node },
  };
  try {
    await api.create(CORE.podBinding, binding);
  } catch (error) {
    if (!(error instanceof ApiError) || (error.code !== 404 && error.code !== 405)) throw error;
    const current = await api.get(CORE.pods, pod.metadata.name, pod.metadata.namespace); // throws if the pod is gone
    await api.update(CORE.pods, { ...current, spec: { ...current.spec, nodeName: node } });
  }
};

/** A token from the TokenRequest API. */
export interface IssuedToken {
  token: string;
  expirationTimestamp: string;
}

/** Requests a token for `serviceAccount` bound to `pod` (what the kubelet mounts at …/serviceaccount/token). */
export const requestPodToken = async (
  api: ClusterApi,
  { namespace, serviceAccount, pod, audiences, expirationSeconds = 3607 }: { namespace: string; serviceAccount: string; pod: KubeObject; audiences?: string[]; expirationSeconds?: number },
): Promise<IssuedToken> => {
  const created = await api.create(CORE.serviceAccountToken, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: { name: serviceAccount, namespace },
    spec: {
      audiences: audiences ?? null,
      expirationSeconds,
      boundObjectRef: { kind: "Pod", apiVersion: "v1", name: pod.metadata.name, uid: pod.metadata.uid },
    },
  });
  const token = created.status?.token;
  if (typeof token !== "string" || !token) throw new Error(`the TokenRequest for ${namespace}/${serviceAccount} returned no token`);
  return { token, expirationTimestamp: String(created.status?.expirationTimestamp ?? "") };
};

/** The cluster CA bundle from the namespace's `kube-root-ca.crt` ConfigMap ("" when it does not exist yet). */
export const clusterCaBundle = async (api: ClusterApi, namespace: string): Promise<string> => {
  try {
    const cm = await api.get(CORE.configmaps, "kube-root-ca.crt", namespace);
    return String((cm as any).data?.["ca.crt"] ?? "");
  } catch (error) {
    if (error instanceof ApiError && error.code === 404) return "";
    throw error;
  }
};
