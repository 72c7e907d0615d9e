// Keeps a ClusterIndex current from an in-process ClusterApi (tests and in-daemon use).
import type { ClusterApi, ResourceType } from "../contracts.js";
import type { ClusterIndex } from "./cluster-index.js";

/** The resource types the cluster DNS watches. */
export const DNS_WATCHED_TYPES: readonly ResourceType[] = [
  { group: "", version: "v1", resource: "namespaces" },
  { group: "", version: "v1", resource: "services" },
  { group: "", version: "v1", resource: "endpoints" },
];

/** Watches namespaces, services and endpoints into `index`; returns the function that stops the watches. */
export const feedIndexFromClusterApi = (api: ClusterApi, index: ClusterIndex): (() => void) => {
  const stops = DNS_WATCHED_TYPES.map((type) => api.watch(type, {}, (event) => index.apply(event)));
  return () => stops.forEach((stop) => stop());
};
