// The lab cluster of instance 10 for the istiod/agent/injection/gateway tests: the API server on the instance's
// gateway, the node components (cloud DNS, kube-proxy with LoadBalancer IPs, kubelet running real pods), the sidecar
// injector, the Istio release folders (bin/istioctl as processes) and the real kubectl. One test file at a time
// holds the instance (a lock folder with the owner's pid).
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startCluster, type RunningCluster } from "../../../../lab/cluster/cluster.js";
import type { ClusterApi, KubeObject } from "../../../../lab/cluster/contracts.js";
import { nodeComponents, type NodeComponents } from "../../../../lab/cluster/kubelet/components.js";
import { sidecarInjectionComponent } from "../../../../lab/istio/injection/component.js";
import { writeReleaseFolder, type ReleaseFolder } from "../../../../lab/istio/release/folder.js";
import { ensureBridge, linkExists, removeBridge } from "../../../../lab/net/bridge.js";
import { ensureForwardAccept, removeForwardAccept } from "../../../../lab/host/forward.js";
import { labNetPlan } from "../../../../lab/net/plan.js";
import { labPaths } from "../../../../lab/paths.js";

/** The releases the tests run. */
export type IstioVersion = "1.8.1" | "1.30.0";

/** Instance 10: the address plan of these tests. */
export const plan = labNetPlan(10);

const LOCK = "/run/ilab10-istio-tests.lock";

/** A finished process. */
export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; never throws. */
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

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Takes instance 10 (waits while another live test process holds it). */
const lock = async (): Promise<() => Promise<void>> => {
  for (;;) {
    try {
      await mkdir(LOCK);
      await writeFile(path.join(LOCK, "pid"), String(process.pid));
      return async () => void (await rm(LOCK, { recursive: true, force: true }));
    } catch {
      const owner = Number(await readFile(path.join(LOCK, "pid"), "utf8").catch(() => "0"));
      if (owner && !alive(owner)) await rm(LOCK, { recursive: true, force: true });
      else await sleep(500);
    }
  }
};

/** Polls until `probe` returns something other than undefined/false; the last error in the timeout message. */
export const waitFor = async <R>(what: string, probe: () => Promise<R | undefined | false> | R | undefined | false, timeoutMs = 120_000): Promise<R> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const r = await probe();
      if (r !== undefined && r !== false) return r as R;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
};

/** Resource types the tests use. */
export const R = {
  pods: { group: "", version: "v1", resource: "pods" },
  services: { group: "", version: "v1", resource: "services" },
  configmaps: { group: "", version: "v1", resource: "configmaps" },
  secrets: { group: "", version: "v1", resource: "secrets" },
  namespaces: { group: "", version: "v1", resource: "namespaces" },
  deployments: { group: "apps", version: "v1", resource: "deployments" },
} as const;

/** The running lab. */
export interface IstioLab {
  cluster: RunningCluster;
  node: NodeComponents;
  api: ClusterApi;
  stateDir: string;
  releases: Record<string, ReleaseFolder>;
  /** The real kubectl. */
  kubectl(args: string[], input?: string): Promise<Ran>;
  /** `<release>/bin/istioctl args…` with KUBECONFIG. */
  istioctl(version: string, args: string[], options?: { input?: string; cwd?: string }): Promise<Ran>;
  /** The first Ready pod matching `selector` in `namespace`. */
  readyPod(selector: string, namespace: string, timeoutMs?: number): Promise<KubeObject>;
  /** `kubectl logs` text of a container. */
  logs(namespace: string, pod: string, container: string): Promise<string>;
  /** Waits for a log line matching `re` in a container. */
  waitForLog(namespace: string, pod: string, container: string, re: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** Starts the cluster of instance 10 with Istio's releases laid out. */
export const startIstioLab = async (): Promise<IstioLab> => {
  const unlock = await lock();
  const hadBridge = await linkExists(plan.bridge);
  await ensureBridge(plan);
  const addedForward = await ensureForwardAccept(plan);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "ilab10-istio-"));
  const node = nodeComponents({ instance: plan.instance, stateDir });
  const debug = process.env["LAB_TEST_DEBUG"] ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined;
  let cluster: RunningCluster;
  try {
    cluster = await startCluster({ stateDir, instance: plan.instance, listen: [{ host: plan.gateway, port: plan.apiServerPort }], persist: false, components: [...node.components, sidecarInjectionComponent()], log: debug });
  } catch (error) {
    await node.kubelet.stop();
    if (addedForward) await removeForwardAccept(plan);
    if (!hadBridge) await removeBridge(plan);
    await unlock();
    throw error;
  }
  const api = cluster.api("test");
  const releases: Record<string, ReleaseFolder> = {};
  for (const version of ["1.8.1", "1.30.0"]) releases[version] = await writeReleaseFolder({ root: path.join(stateDir, "releases"), version });
  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env["PATH"], HOME: stateDir, KUBECONFIG: cluster.kubeconfigFile });
  const kubectlBin = path.join(labPaths(plan.instance).toolsBin, "kubectl");
  const kubectl = (args: string[], input?: string) => run(kubectlBin, ["--kubeconfig", cluster.kubeconfigFile, "--cache-dir", path.join(stateDir, "kube-cache"), ...args], { ...(input !== undefined ? { input } : {}), env: env() });
  const logs = async (namespace: string, pod: string, container: string) => (await kubectl(["logs", "-n", namespace, pod, "-c", container])).stdout;
  return {
    cluster,
    node,
    api,
    stateDir,
    releases,
    kubectl,
    istioctl: (version, args, options = {}) => run(releases[version]!.istioctl, args, { ...options, env: env() }),
    readyPod: (selector, namespace, timeoutMs = 120_000) =>
      waitFor(`a Ready pod ${selector} in ${namespace}`, async () => {
        const pods = await api.list(R.pods, { namespace, labelSelector: selector });
        return pods.find((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"));
      }, timeoutMs),
    logs,
    waitForLog: (namespace, pod, container, re, timeoutMs = 60_000) =>
      waitFor(`${re} in the log of ${namespace}/${pod}/${container}`, async () => (await logs(namespace, pod, container)).split("\n").find((l) => re.test(l)), timeoutMs),
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
