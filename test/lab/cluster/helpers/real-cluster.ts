// The real cluster stand-in (API server, controllers, bootstrap) with the node components (cloud DNS, kube-proxy,
// kubelet) on lab instance 5, for end-to-end tests driven by the real kubectl.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startCluster, type RunningCluster } from "../../../../lab/cluster/cluster.js";
import type { ClusterApi, KubeObject } from "../../../../lab/cluster/contracts.js";
import { nodeComponents, type NodeComponents } from "../../../../lab/cluster/kubelet/components.js";
import { ensureBridge, linkExists, removeBridge } from "../../../../lab/net/bridge.js";
import { ensureForwardAccept, removeForwardAccept } from "../../../../lab/host/forward.js";
import { labPaths } from "../../../../lab/paths.js";
import { lockInstance, plan, waitFor } from "./lab-node.js";

const run = promisify(execFile);

/** A running cluster with its node. */
export interface RealCluster {
  cluster: RunningCluster;
  node: NodeComponents;
  api: ClusterApi;
  stateDir: string;
  /** Runs the real kubectl against the cluster; never throws (exit code in the result). */
  kubectl(args: string[], input?: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  waitPodReady(selector: string, namespace?: string): Promise<KubeObject>;
  close(): Promise<void>;
}

/** Starts the cluster on instance 5's gateway (the bridge is created if needed). */
export const startRealCluster = async (): Promise<RealCluster> => {
  const unlock = await lockInstance();
  const hadBridge = await linkExists(plan.bridge);
  await ensureBridge(plan);
  const addedForward = await ensureForwardAccept(plan);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "ilab5-cluster-"));
  const node = nodeComponents({ instance: plan.instance, stateDir });
  const debug = process.env["LAB_TEST_DEBUG"] ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined;
  let cluster: RunningCluster;
  try {
    cluster = await startCluster({ stateDir, instance: plan.instance, listen: [{ host: plan.gateway, port: plan.apiServerPort }], persist: false, components: node.components, log: debug });
  } catch (error) {
    await node.kubelet.stop();
    if (addedForward) await removeForwardAccept(plan);
    if (!hadBridge) await removeBridge(plan);
    await unlock();
    throw error;
  }
  const api = cluster.api("test");
  const kubectlBin = path.join(labPaths(plan.instance).toolsBin, "kubectl");
  const cacheDir = path.join(stateDir, "kube-cache");
  return {
    cluster,
    node,
    api,
    stateDir,
    kubectl: async (args, input) => {
      const child = run(kubectlBin, ["--kubeconfig", cluster.kubeconfigFile, "--cache-dir", cacheDir, ...args], { encoding: "utf8", timeout: 120_000 });
      if (input !== undefined) child.child.stdin?.end(input);
      try {
        const { stdout, stderr } = await child;
        return { exitCode: 0, stdout, stderr };
      } catch (error: any) {
        return { exitCode: typeof error.code === "number" ? error.code : 1, stdout: error.stdout ?? "", stderr: error.stderr ?? String(error.message) };
      }
    },
    waitPodReady: (selector, namespace = "default") =>
      waitFor(`a Ready pod ${selector} in ${namespace}`, async () => {
        const pods = await api.list({ group: "", version: "v1", resource: "pods" }, { namespace, labelSelector: selector });
        return pods.find((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"));
      }, 90_000),
    close: async () => {
      try {
        await cluster.stop();
      } finally {
        if (addedForward) await removeForwardAccept(plan);
        if (!hadBridge) await removeBridge(plan);
        await rm(stateDir, { recursive: true, force: true });
        await unlock();
      }
    },
  };
};
