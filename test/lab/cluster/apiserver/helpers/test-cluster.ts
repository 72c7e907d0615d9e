// A real cluster stand-in on loopback (ephemeral port, temp state dir) and a runner for the real kubectl.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startCluster, type ClusterOptions, type RunningCluster } from "../../../../../lab/cluster/cluster.js";
import { projectRoot } from "../../../../../lab/paths.js";

/** Result of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A test cluster with a kubectl bound to its kubeconfig. */
export interface TestCluster {
  cluster: RunningCluster;
  dir: string;
  kubectl(args: string[], options?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  stop(): Promise<void>;
}

/** The real kubectl the project installs. */
export const kubectlPath = path.join(projectRoot(), ".tools", "bin", "kubectl");

/** Starts a cluster on 127.0.0.1:0 with its own state and kubectl cache folders. */
export const startTestCluster = async (options: Partial<ClusterOptions> = {}): Promise<TestCluster> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "lab-cluster-test-"));
  const cluster = await startCluster({ stateDir: dir, instance: 4, listen: [{ host: "127.0.0.1", port: 0 }], bookmarkIntervalMs: 500, ...options });
  const kubectl = (args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = spawn(kubectlPath, args, {
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, KUBECONFIG: cluster.kubeconfigFile, KUBECACHEDIR: path.join(dir, "kube-cache"), ...(opts.env ?? {}) },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.on("error", () => undefined); // a program that does not read its stdin
      child.stdin.end(opts.input ?? "");
    });
  return {
    cluster,
    dir,
    kubectl,
    stop: async () => {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
