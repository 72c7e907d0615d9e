// A lab API server on loopback (instance 9's address plan, temp state, no kernel objects) with the Istio release
// folders laid out, for running the releases' bin/istioctl and the real kubectl as processes. A small "node" marks the
// pods of known images Running and Ready through the API (the stand-in istiod and gateway images have no programs yet);
// images listed in `pullFailures` stay in ImagePullBackOff the way the lab's kubelet reports it.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startCluster, type RunningCluster } from "../../../../../lab/cluster/cluster.js";
import type { ClusterApi, KubeObject } from "../../../../../lab/cluster/contracts.js";
import { writeReleaseFolder, type ReleaseFolder } from "../../../../../lab/istio/release/folder.js";
import { labPaths } from "../../../../../lab/paths.js";

/** A finished process. */
export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The running lab. */
export interface IstioctlLab {
  cluster: RunningCluster;
  api: ClusterApi;
  stateDir: string;
  releases: Record<string, ReleaseFolder>;
  /** Runs `<release>/bin/istioctl args…` with KUBECONFIG set (stdin `input`, cwd `cwd`, extra env). */
  istioctl(version: string, args: string[], options?: { input?: string; cwd?: string; env?: Record<string, string> }): Promise<Ran>;
  /** Runs a bash script (the course's pipelines) with KUBECONFIG set and the release folders as ISTIO_181 / ISTIO_130. */
  sh(script: string, options?: { cwd?: string; env?: Record<string, string> }): Promise<Ran>;
  /** The real kubectl against the lab. */
  kubectl(args: string[], input?: string): Promise<Ran>;
  /** Images whose pods stay in ImagePullBackOff (mutable). */
  pullFailures: Set<string>;
  close(): Promise<void>;
}

const PODS = { group: "", version: "v1", resource: "pods" };

/** Runs a program; never throws (the exit code is in the result). */
const run = (file: string, args: string[], { input, cwd, env }: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
    child.stdin.on("error", () => undefined); // a program that does not read its stdin
    child.stdin.end(input ?? "");
  });

/** The status a node reports for a pod: Running and Ready, or waiting on a failed pull. */
const podStatus = (pod: KubeObject, failing: boolean): Record<string, unknown> => {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const containers = (pod.spec?.containers ?? []) as Array<{ name: string; image: string }>;
  const condition = (type: string, status: string, extra: Record<string, string> = {}) => ({ type, status, lastProbeTime: null, lastTransitionTime: now, ...extra });
  if (failing) {
    const unready = `containers with unready status: [${containers.map((c) => c.name).join(" ")}]`;
    return {
      phase: "Pending",
      conditions: [condition("PodScheduled", "True"), condition("Initialized", "True"), condition("Ready", "False", { reason: "ContainersNotReady", message: unready }), condition("ContainersReady", "False", { reason: "ContainersNotReady", message: unready })],
      containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: false, started: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` } } })),
      hostIP: "198.18.144.1",
      startTime: now,
    };
  }
  return {
    phase: "Running",
    conditions: [condition("PodScheduled", "True"), condition("Initialized", "True"), condition("Ready", "True"), condition("ContainersReady", "True")],
    containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: `${c.image}@sha256:${"0".repeat(64)}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
    podIP: "198.18.145.20",
    hostIP: "198.18.144.1",
    startTime: now,
  };
};

/** Starts the lab. */
export const startIstioctlLab = async ({ pullFailures = [] }: { pullFailures?: string[] } = {}): Promise<IstioctlLab> => {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "ilab9-istioctl-"));
  const cluster = await startCluster({ stateDir, instance: 9, listen: [{ host: "127.0.0.1", port: 0 }], persist: false });
  const api = cluster.api("test-node");
  const failing = new Set(pullFailures);
  const pending: Array<Promise<unknown>> = [];
  const marked = new Map<string, boolean>();
  const stopWatch = api.watch(PODS, {}, (event) => {
    const pod = event.object;
    if (event.type === "DELETED" || pod.metadata.deletionTimestamp) return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
    const fail = (pod.spec?.containers ?? []).some((c: { image: string }) => failing.has(c.image));
    if (marked.get(key) === fail) return;
    marked.set(key, fail);
    pending.push(api.updateStatus(PODS, { ...pod, spec: { ...pod.spec, nodeName: pod.spec?.nodeName ?? "lab-node" }, status: podStatus(pod, fail) }).catch(() => marked.delete(key)));
  });
  const releases: Record<string, ReleaseFolder> = {};
  for (const version of ["1.8.1", "1.30.0"]) releases[version] = await writeReleaseFolder({ root: path.join(stateDir, "releases"), version });
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: process.env["PATH"], HOME: stateDir, KUBECONFIG: cluster.kubeconfigFile, ...extra });
  const kubectlBin = path.join(labPaths(9).toolsBin, "kubectl");
  return {
    cluster,
    api,
    stateDir,
    releases,
    pullFailures: failing,
    istioctl: (version, args, options = {}) => run(releases[version]!.istioctl, args, { ...options, env: env(options.env) }),
    sh: (script, options = {}) => run("bash", ["-c", script], { ...(options.cwd ? { cwd: options.cwd } : {}), env: env({ ISTIO_181: releases["1.8.1"]!.dir, ISTIO_130: releases["1.30.0"]!.dir, ...options.env }) }),
    kubectl: (args, input) => run(kubectlBin, ["--kubeconfig", cluster.kubeconfigFile, "--cache-dir", path.join(stateDir, "kube-cache"), ...args], { ...(input !== undefined ? { input } : {}), env: env() }),
    close: async () => {
      stopWatch();
      await Promise.allSettled(pending);
      await cluster.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
};
