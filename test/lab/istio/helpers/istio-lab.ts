// The lab cluster of instance 10 for the istiod/agent/injection/gateway tests: the API server on the instance's
// gateway, the node components (cloud DNS, kube-proxy with LoadBalancer IPs, kubelet running real pods), the sidecar
// injector, the Istio release folders (bin/istioctl as processes) and the real kubectl. One test file at a time
// holds the instance (a lock folder with the owner's pid).
import path from "node:path";
import { sidecarInjectionComponent } from "../../../../lab/istio/injection/component.js";
import { writeReleaseFolder, type ReleaseFolder } from "../../../../lab/istio/release/folder.js";
import { labNetPlan } from "../../../../lab/net/plan.js";
import { run, startNodeCluster, waitFor as waitForValue, type NodeCluster, type Ran } from "../../cluster/helpers/node-cluster.js";

/** The releases the tests run. */
export type IstioVersion = "1.8.1" | "1.30.0";

/** Instance 10: the address plan of these tests. */
export const plan = labNetPlan(10);

const LOCK = "/run/ilab10-istio-tests.lock";

export { run, type Ran };

/** Polls until `probe` returns something other than undefined/false (2 minutes unless told). */
export const waitFor = <R>(what: string, probe: () => Promise<R | undefined | false> | R | undefined | false, timeoutMs = 120_000): Promise<R> => waitForValue(what, probe, timeoutMs);

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
export interface IstioLab extends NodeCluster {
  releases: Record<string, ReleaseFolder>;
  /** `<release>/bin/istioctl args…` with KUBECONFIG. */
  istioctl(version: string, args: string[], options?: { input?: string; cwd?: string }): Promise<Ran>;
  /** `kubectl logs` text of a container. */
  logs(namespace: string, pod: string, container: string): Promise<string>;
  /** Waits for a log line matching `re` in a container. */
  waitForLog(namespace: string, pod: string, container: string, re: RegExp, timeoutMs?: number): Promise<string>;
}

/** Starts the cluster of instance 10 with Istio's releases laid out. */
export const startIstioLab = async (): Promise<IstioLab> => {
  const c = await startNodeCluster({ plan, lockPath: LOCK, extraComponents: [sidecarInjectionComponent()] });
  const releases: Record<string, ReleaseFolder> = {};
  try {
    for (const version of ["1.8.1", "1.30.0"]) releases[version] = await writeReleaseFolder({ root: path.join(c.stateDir, "releases"), version });
  } catch (error) {
    await c.close();
    throw error;
  }
  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env["PATH"], HOME: c.stateDir, KUBECONFIG: c.cluster.kubeconfigFile });
  const kubectl = (args: string[], input?: string) => c.kubectl(args, input, env());
  const logs = async (namespace: string, pod: string, container: string) => (await kubectl(["logs", "-n", namespace, pod, "-c", container])).stdout;
  return {
    ...c,
    releases,
    kubectl,
    istioctl: (version, args, options = {}) => run(releases[version]!.istioctl, args, { ...options, env: env() }),
    logs,
    waitForLog: (namespace, pod, container, re, timeoutMs = 60_000) =>
      waitFor(`${re} in the log of ${namespace}/${pod}/${container}`, async () => (await logs(namespace, pod, container)).split("\n").find((l) => re.test(l)), timeoutMs),
  };
};
