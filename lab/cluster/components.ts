// The components the cluster daemon starts after the API server and controllers. The parts that run pods, DNS
// and ClusterIP rules (kubelet, dns, proxy) and the istiod stand-in add themselves here.
import type { ClusterComponent } from "./contracts.js";
import { nodeComponents } from "./kubelet/components.js";
import { sidecarInjectionComponent } from "../istio/injection/component.js";

/** Facts a component factory may need. */
export interface ComponentOptions {
  instance: number;
  stateDir: string;
}

/** Builds the daemon's components for a lab instance: the node (cloud DNS, kube-proxy, kubelet) first, then Istio's
 * sidecar injector (an admission plugin, active once istioctl installed its webhook configuration). */
export const clusterComponents = async (options: ComponentOptions): Promise<ClusterComponent[]> => {
  const node = nodeComponents({ instance: options.instance, stateDir: options.stateDir });
  return [...node.components, sidecarInjectionComponent()];
};
