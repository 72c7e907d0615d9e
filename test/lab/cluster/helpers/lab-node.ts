// A one-node lab for the kubelet, proxy and DNS tests on lab instance 5: the bridge, a FakeClusterApi (or any
// ClusterApi), the ServiceProxy and the Kubelet, with helpers to create pods, wait for them and exec into them.
// Test files that run pods take a lock, so only one at a time uses instance 5's bridge and addresses.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./node-cluster.js";
import type { ClusterApi, KubeObject } from "../../../../lab/cluster/contracts.js";
import { Kubelet } from "../../../../lab/cluster/kubelet/kubelet.js";
import { defaultImageCatalog, nodeProgram } from "../../../../lab/cluster/kubelet/images.js";
import { ServiceProxy } from "../../../../lab/cluster/proxy/proxy.js";
import { ensureBridge, linkExists, removeBridge } from "../../../../lab/net/bridge.js";
import { ensureForwardAccept, removeForwardAccept } from "../../../../lab/host/forward.js";
import { labNetPlan } from "../../../../lab/net/plan.js";
import { acquireLock } from "../../../../lab/host/lock.js";
import { FakeClusterApi, T } from "./fake-api.js";

/** The lab instance the cluster tests use. */
export const plan = labNetPlan(5);

/** The lock folder of instance 5 (one test process at a time uses its bridge and addresses). */
export const INSTANCE_LOCK = "/run/ilab5-cluster-tests.lock";

/** Takes the instance-5 test lock (one test process at a time; a dead owner's lock is taken over). */
export const lockInstance = (): Promise<() => Promise<void>> => acquireLock(INSTANCE_LOCK);

export { waitFor } from "./node-cluster.js";

/** The result of an exec. */
export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** A running one-node lab. */
export interface TestNode {
  api: FakeClusterApi;
  kubelet: Kubelet;
  proxy: ServiceProxy;
  stateDir: string;
  createPod(pod: { name: string; namespace?: string; labels?: Record<string, string>; spec: any }): Promise<KubeObject>;
  pod(name: string, namespace?: string): Promise<KubeObject>;
  waitReady(name: string, namespace?: string): Promise<KubeObject>;
  exec(pod: string, command: string[], options?: { container?: string; namespace?: string; stdin?: string; tty?: boolean }): Promise<ExecResult>;
  close(): Promise<void>;
}

const fixture = (name: string) => path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", name);

/** Starts the bridge, proxy and kubelet of instance 5 against a fresh FakeClusterApi. */
export const startTestNode = async (): Promise<TestNode> => {
  const unlock = await lockInstance();
  const hadBridge = await linkExists(plan.bridge);
  await ensureBridge(plan);
  const addedForward = await ensureForwardAccept(plan);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "ilab5-kubelet-"));
  const api = new FakeClusterApi();
  for (const name of ["default", "kube-system", "legacy"]) await api.create(T.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  for (const ns of ["default", "kube-system", "legacy"]) {
    await api.create(T.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: ns }, data: { "ca.crt": "-----BEGIN CERTIFICATE-----\nlab test CA\n-----END CERTIFICATE-----\n" } } as KubeObject);
  }
  await api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "kubernetes", namespace: "default" }, spec: { clusterIP: plan.kubernetesServiceIp, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] } });
  await api.create(T.endpoints, { apiVersion: "v1", kind: "Endpoints", metadata: { name: "kubernetes", namespace: "default" }, subsets: [{ addresses: [{ ip: plan.gateway }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] }] } as KubeObject);
  const images = defaultImageCatalog();
  images.register("lab.test/web", { ...nodeProgram("x", 1), entrypoint: [process.execPath, fixture("web.js")] });
  const debug = process.env["LAB_TEST_DEBUG"] ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined;
  const proxy = new ServiceProxy(debug, plan);
  await proxy.start(api);
  const kubelet = new Kubelet({ plan, stateDir, images, network: proxy, log: debug });
  await kubelet.start(api as ClusterApi);
  const node: TestNode = {
    api,
    kubelet,
    proxy,
    stateDir,
    createPod: ({ name, namespace = "default", labels, spec }) => api.create(T.pods, { apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels }, spec }),
    pod: (name, namespace = "default") => api.get(T.pods, name, namespace),
    waitReady: (name, namespace = "default") =>
      waitFor(`pod ${namespace}/${name} Ready`, async () => {
        const p = await api.get(T.pods, name, namespace);
        return (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True") ? p : undefined;
      }),
    exec: async (pod, command, { container, namespace = "default", stdin, tty = false } = {}) => {
      const p = await api.get(T.pods, pod, namespace);
      const session = await kubelet.exec({ namespace, pod, container: container ?? p.spec.containers[0].name, command, stdin: stdin !== undefined, tty });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      session.onStdout((c) => out.push(c));
      session.onStderr((c) => err.push(c));
      if (stdin !== undefined) {
        session.writeStdin(Buffer.from(stdin));
        session.closeStdin();
      }
      const { exitCode } = await session.exited;
      return { exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
    },
    close: async () => {
      try {
        await kubelet.stop({ graceSeconds: 2 });
        await proxy.stop();
      } finally {
        if (addedForward) await removeForwardAccept(plan);
        if (!hadBridge) await removeBridge(plan);
        await rm(stateDir, { recursive: true, force: true });
        await unlock();
      }
    },
  };
  return node;
};
