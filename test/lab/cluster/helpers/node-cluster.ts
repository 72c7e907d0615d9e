// A lab cluster (API server, controllers, bootstrap) with its node (cloud DNS, kube-proxy, kubelet) on one instance's
// gateway, driven by the real kubectl: the start and stop that the cluster suites (instance 5) and the Istio suites
// (instance 10) share. One test process at a time holds an instance (a lock folder with the owner's pid).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startCluster, type RunningCluster } from "../../../../lab/cluster/cluster.js";
import type { ClusterApi, ClusterComponent, KubeObject } from "../../../../lab/cluster/contracts.js";
import { nodeComponents, type NodeComponents } from "../../../../lab/cluster/kubelet/components.js";
import { ensureBridge, linkExists, removeBridge } from "../../../../lab/net/bridge.js";
import { ensureForwardAccept, removeForwardAccept } from "../../../../lab/host/forward.js";
import { acquireLock } from "../../../../lab/host/lock.js";
import type { LabNetPlan } from "../../../../lab/net/plan.js";
import { labPaths } from "../../../../lab/paths.js";

/** A finished process. */
export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; never throws for its exit (a program that cannot start rejects). */
export const run = (file: string, args: readonly string[], { input, cwd, env, timeoutMs = 180_000 }: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.stdin.on("error", () => undefined); // a program that does not read its stdin
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });

/** Polls `probe` until it returns a value other than undefined/false; throws with `what` and the last error after `timeoutMs`. */
export const waitFor = async <R>(what: string, probe: () => Promise<R | undefined | false> | R | undefined | false, timeoutMs = 60_000): Promise<R> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const r = await probe();
      if (r !== undefined && r !== false) return r as R;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String((last as Error).message ?? last)}` : ""}`);
};

/** A running cluster with its node. */
export interface NodeCluster {
  cluster: RunningCluster;
  node: NodeComponents;
  api: ClusterApi;
  stateDir: string;
  /** Runs the real kubectl against the cluster (its own cache folder); never throws for its exit. */
  kubectl(args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<Ran>;
  /** The first Ready pod matching `selector` in `namespace`. */
  readyPod(selector: string, namespace: string, timeoutMs?: number): Promise<KubeObject>;
  close(): Promise<void>;
}

/** Starts the cluster on `plan`'s gateway with the node components and `extraComponents` (the bridge is created if needed). */
export const startNodeCluster = async ({ plan, lockPath, extraComponents = [] }: { plan: LabNetPlan; lockPath: string; extraComponents?: ClusterComponent[] }): Promise<NodeCluster> => {
  const unlock = await acquireLock(lockPath, { pollMs: 500 });
  const hadBridge = await linkExists(plan.bridge);
  await ensureBridge(plan);
  const addedForward = await ensureForwardAccept(plan);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), `ilab${plan.instance}-cluster-`));
  const node = nodeComponents({ instance: plan.instance, stateDir });
  const debug = process.env["LAB_TEST_DEBUG"] ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined;
  const undo = async () => {
    if (addedForward) await removeForwardAccept(plan);
    if (!hadBridge) await removeBridge(plan);
    await rm(stateDir, { recursive: true, force: true });
    await unlock();
  };
  let cluster: RunningCluster;
  try {
    cluster = await startCluster({ stateDir, instance: plan.instance, listen: [{ host: plan.gateway, port: plan.apiServerPort }], persist: false, components: [...node.components, ...extraComponents], log: debug });
  } catch (error) {
    await node.kubelet.stop();
    await undo();
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
    kubectl: (args, input, env) => run(kubectlBin, ["--kubeconfig", cluster.kubeconfigFile, "--cache-dir", cacheDir, ...args], { ...(input !== undefined ? { input } : {}), env: env ?? { PATH: process.env["PATH"], HOME: stateDir }, timeoutMs: 120_000 }),
    // A bound, not a speed target: on a loaded 2-CPU CI machine an injected pod once took over 2 minutes to be Ready.
    readyPod: (selector, namespace, timeoutMs = 300_000) =>
      waitFor(`a Ready pod ${selector} in ${namespace}`, async () => {
        const pods = await api.list({ group: "", version: "v1", resource: "pods" }, { namespace, labelSelector: selector });
        return pods.find((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"));
      }, timeoutMs),
    close: async () => {
      try {
        await cluster.stop();
      } finally {
        await undo();
      }
    },
  };
};
