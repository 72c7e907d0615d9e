// The real cluster stand-in (API server, controllers, bootstrap) with the node components (cloud DNS, kube-proxy,
// kubelet) on lab instance 5, for end-to-end tests driven by the real kubectl.
import type { KubeObject } from "../../../../lab/cluster/contracts.js";
import { INSTANCE_LOCK, plan } from "./lab-node.js";
import { startNodeCluster, type NodeCluster } from "./node-cluster.js";

/** A running cluster with its node. */
export interface RealCluster extends NodeCluster {
  /** A Ready pod matching `selector` (in `default` unless told). */
  waitPodReady(selector: string, namespace?: string): Promise<KubeObject>;
}

/** Starts the cluster on instance 5's gateway (the bridge is created if needed). */
export const startRealCluster = async (): Promise<RealCluster> => {
  const c = await startNodeCluster({ plan, lockPath: INSTANCE_LOCK });
  return { ...c, waitPodReady: (selector, namespace = "default") => c.readyPod(selector, namespace, 90_000) };
};
