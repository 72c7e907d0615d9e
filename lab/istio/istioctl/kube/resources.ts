// REST paths of the resource kinds istioctl reads and writes (group, version, plural, scope), as a table.

/** A resource kind's REST coordinates. */
export interface ResourceKind {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const kinds: Record<string, ResourceKind> = {
  Namespace: { group: "", version: "v1", plural: "namespaces", namespaced: false },
  ConfigMap: { group: "", version: "v1", plural: "configmaps", namespaced: true },
  Secret: { group: "", version: "v1", plural: "secrets", namespaced: true },
  ServiceAccount: { group: "", version: "v1", plural: "serviceaccounts", namespaced: true },
  Service: { group: "", version: "v1", plural: "services", namespaced: true },
  Pod: { group: "", version: "v1", plural: "pods", namespaced: true },
  PersistentVolumeClaim: { group: "", version: "v1", plural: "persistentvolumeclaims", namespaced: true },
  Deployment: { group: "apps", version: "v1", plural: "deployments", namespaced: true },
  DaemonSet: { group: "apps", version: "v1", plural: "daemonsets", namespaced: true },
  ReplicaSet: { group: "apps", version: "v1", plural: "replicasets", namespaced: true },
  HorizontalPodAutoscaler: { group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", namespaced: true },
  PodDisruptionBudget: { group: "policy", version: "v1", plural: "poddisruptionbudgets", namespaced: true },
  Role: { group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", namespaced: true },
  RoleBinding: { group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", namespaced: true },
  ClusterRole: { group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", namespaced: false },
  ClusterRoleBinding: { group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", namespaced: false },
  CustomResourceDefinition: { group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", namespaced: false },
  MutatingWebhookConfiguration: { group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations", namespaced: false },
  ValidatingWebhookConfiguration: { group: "admissionregistration.k8s.io", version: "v1", plural: "validatingwebhookconfigurations", namespaced: false },
  IstioOperator: { group: "install.istio.io", version: "v1alpha1", plural: "istiooperators", namespaced: true },
  EnvoyFilter: { group: "networking.istio.io", version: "v1alpha3", plural: "envoyfilters", namespaced: true },
  DestinationRule: { group: "networking.istio.io", version: "v1alpha3", plural: "destinationrules", namespaced: true },
  Gateway: { group: "networking.istio.io", version: "v1alpha3", plural: "gateways", namespaced: true },
  VirtualService: { group: "networking.istio.io", version: "v1alpha3", plural: "virtualservices", namespaced: true },
  PeerAuthentication: { group: "security.istio.io", version: "v1beta1", plural: "peerauthentications", namespaced: true },
  WorkloadEntry: { group: "networking.istio.io", version: "v1beta1", plural: "workloadentries", namespaced: true },
  WorkloadGroup: { group: "networking.istio.io", version: "v1alpha3", plural: "workloadgroups", namespaced: true },
};

/** The coordinates of a kind (optionally at another version); throws for a kind the table lacks. */
export const resourceKind = (kind: string, version?: string): ResourceKind => {
  const k = kinds[kind];
  if (!k) throw new Error(`istioctl stand-in: no REST mapping for kind ${kind}`);
  return version ? { ...k, version } : k;
};

/** `/api/v1[/namespaces/ns]/plural` or `/apis/g/v[/namespaces/ns]/plural`. */
export const collectionPath = (k: ResourceKind, namespace?: string): string =>
  `${k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`}${k.namespaced && namespace ? `/namespaces/${namespace}` : ""}/${k.plural}`;

/** The path of one object. */
export const objectPath = (k: ResourceKind, name: string, namespace?: string): string => `${collectionPath(k, namespace)}/${encodeURIComponent(name)}`;

/** The coordinates of an object from its apiVersion and kind. */
export const kindOfObject = (obj: { apiVersion?: string; kind?: string }): ResourceKind => {
  const version = String(obj.apiVersion ?? "").split("/").pop();
  return resourceKind(String(obj.kind), version);
};
