// What the controllers share: the API, the registry (for the catalog and direct store reads), the plan, a logger.
import type { ClusterApi, ResourceType } from "../contracts.js";
import type { Registry } from "../registry/registry.js";

/** Context given to every controller. */
export interface ControllerContext {
  api: ClusterApi;
  registry: Registry;
  /** PEM of the cluster CA (kube-root-ca.crt). */
  caCert: string;
  plan: { serviceCidr: string; loadBalancerCidr: string; clusterDnsIp: string; kubernetesServiceIp: string; gateway: string; apiServerPort: number };
  log(message: string): void;
}

/** A running controller. */
export interface Controller {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when its queue is empty (tests). */
  idle(): Promise<void>;
}

/** Resource types controllers use. */
export const types = {
  namespaces: { group: "", version: "v1", resource: "namespaces" },
  namespaceFinalize: { group: "", version: "v1", resource: "namespaces/finalize" },
  pods: { group: "", version: "v1", resource: "pods" },
  services: { group: "", version: "v1", resource: "services" },
  endpoints: { group: "", version: "v1", resource: "endpoints" },
  endpointSlices: { group: "discovery.k8s.io", version: "v1", resource: "endpointslices" },
  serviceAccounts: { group: "", version: "v1", resource: "serviceaccounts" },
  configMaps: { group: "", version: "v1", resource: "configmaps" },
  events: { group: "", version: "v1", resource: "events" },
  nodes: { group: "", version: "v1", resource: "nodes" },
  deployments: { group: "apps", version: "v1", resource: "deployments" },
  replicaSets: { group: "apps", version: "v1", resource: "replicasets" },
  crds: { group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions" },
} as const satisfies Record<string, ResourceType>;
