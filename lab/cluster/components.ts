// The components the cluster daemon starts after the API server and controllers. The parts that run pods, DNS
// and ClusterIP rules (kubelet, dns, proxy) and the istiod stand-in add themselves here.
import type { ClusterComponent } from "./contracts.js";

/** Facts a component factory may need. */
export interface ComponentOptions {
  instance: number;
  stateDir: string;
}

/** Builds the daemon's components for a lab instance (empty until the other parts register theirs). */
export const clusterComponents = async (options: ComponentOptions): Promise<ClusterComponent[]> => {
  void options;
  return [];
};
