// The kubelet stand-in: registers `lab-node`, binds unscheduled pods to it (a one-node scheduler), runs every pod
// bound to it as real processes in their own namespaces (PodWorker), and serves `kubectl exec` and `kubectl logs`.
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { ApiError, type ClusterApi, type ExecBackend, type ExecSession, type KubeObject, type LogBackend, type LogRequest, type WatchEvent } from "../contracts.js";
import type { LabNetPlan } from "../../net/plan.js";
import { Backoff } from "./backoff.js";
import { bindPod, CORE } from "./cluster-calls.js";
import { EventRecorder } from "./events.js";
import { defaultImageCatalog, type ImageCatalog } from "./images.js";
import { PodIpam } from "./ipam.js";
import { cleanUpKubeletLeftovers } from "./leftovers.js";
import { readContainerLog, removePodLogs } from "./logs.js";
import { registerNode } from "./node.js";
import { PodWorker, type KubeletContext, type PodNetworkHooks } from "./pod-worker.js";

/** The name of the lab's only node. */
export const NODE_NAME = "lab-node";

/** Options of the Kubelet. */
export interface KubeletOptions {
  plan: LabNetPlan;
  /** The instance's state folder: `kubelet/`, `run/` and `logs/` go below it. */
  stateDir: string;
  runDir?: string;
  logsDir?: string;
  nodeName?: string;
  images?: ImageCatalog;
  /** ClusterIP rules (the proxy) hook in here. */
  network?: PodNetworkHooks;
  clusterDomain?: string;
  /** Diagnostics of the kubelet itself (not pod logs). */
  log?: (line: string) => void;
  /** Time between node heartbeats. */
  heartbeatMs?: number;
}

const noNetworkHooks: PodNetworkHooks = { podNetworkReady: async () => undefined, podNetworkGone: async () => undefined };

/** The kubelet: `start(api)` / `stop()` like the daemon's other components, plus ExecBackend and LogBackend. */
export class Kubelet implements ExecBackend, LogBackend {
  readonly nodeName: string;
  readonly images: ImageCatalog;
  private readonly ctx: Omit<KubeletContext, "api"> & { api?: ClusterApi };
  private readonly workers = new Map<string, PodWorker>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly binding = new Set<string>();
  private stopWatch?: () => void;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: KubeletOptions) {
    const { plan, stateDir } = options;
    this.nodeName = options.nodeName ?? NODE_NAME;
    this.images = options.images ?? defaultImageCatalog();
    const kubeletDir = path.join(stateDir, "kubelet");
    this.ctx = {
      plan,
      nodeName: this.nodeName,
      stateDir: kubeletDir,
      runDir: options.runDir ?? path.join(stateDir, "run"),
      logsDir: options.logsDir ?? path.join(stateDir, "logs"),
      images: this.images,
      ipam: new PodIpam(plan.podCidr, path.join(kubeletDir, "ipam.json")),
      events: new EventRecorder(() => this.ctx.api, (e) => this.log(`event: ${String((e as Error)?.message ?? e)}`)),
      backoff: new Backoff(),
      network: options.network ?? noNetworkHooks,
      dns: { clusterDnsIp: plan.clusterDnsIp, clusterDomain: options.clusterDomain ?? "cluster.local", nodeNameserver: plan.cloudDns },
      node: { cpu: os.cpus().length, memoryBytes: os.totalmem() },
      pulled: new Set(),
      log: (line) => this.log(line),
    };
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`kubelet: ${l}\n`)))(line);
  }

  /** Registers the node and starts watching pods. */
  async start(api: ClusterApi): Promise<void> {
    this.ctx.api = api;
    this.stopped = false;
    // what an earlier daemon left: its pods are recreated from the API below, like after a node reboot
    await cleanUpKubeletLeftovers({ plan: this.ctx.plan, runDir: this.ctx.runDir, stateDir: this.ctx.stateDir });
    await registerNode(api, this.ctx.plan, this.nodeName);
    this.heartbeat = setInterval(() => {
      void registerNode(api, this.ctx.plan, this.nodeName).catch((e) => this.log(`heartbeat: ${String(e?.message ?? e)}`));
    }, this.options.heartbeatMs ?? 40_000);
    this.heartbeat.unref();
    this.stopWatch = api.watch(CORE.pods, {}, (event) => this.onPodEvent(event));
  }

  private onPodEvent(event: WatchEvent): void {
    const pod = event.object;
    const uid = pod.metadata.uid;
    if (!uid || this.stopped) return;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      if (event.type !== "DELETED" && !pod.metadata.deletionTimestamp) this.schedule(pod);
      return;
    }
    if (nodeName !== this.nodeName) return;
    this.serialize(uid, () => this.syncPod(event.type, pod));
  }

  /** Runs `work` after the previous work of the same pod. */
  private serialize(uid: string, work: () => Promise<void>): void {
    const next = (this.chains.get(uid) ?? Promise.resolve()).then(work).catch((e) => this.log(`pod ${uid}: ${String(e?.stack ?? e)}`));
    this.chains.set(uid, next);
    void next.finally(() => {
      if (this.chains.get(uid) === next) this.chains.delete(uid);
    });
  }

  private schedule(pod: KubeObject): void {
    const uid = pod.metadata.uid!;
    if (this.binding.has(uid)) return;
    this.binding.add(uid);
    this.serialize(uid, async () => {
      try {
        await bindPod(this.ctx.api!, pod, this.nodeName);
        await this.ctx.events.record(pod, "Normal", "Scheduled", `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${this.nodeName}`, {
          source: { component: "default-scheduler" },
        });
      } catch (error) {
        if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) throw error;
      } finally {
        this.binding.delete(uid);
      }
    });
  }

  private async syncPod(type: WatchEvent["type"], pod: KubeObject): Promise<void> {
    const uid = pod.metadata.uid!;
    let worker = this.workers.get(uid);
    if (type === "DELETED") {
      if (worker) await this.finish(uid, worker, 0);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      if (worker) await this.finish(uid, worker, (pod.metadata as any).deletionGracePeriodSeconds);
      else await removePodLogs(this.ctx.logsDir, { namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name, uid });
      // the kubelet completes a graceful deletion once the pod's containers are gone
      await this.ctx.api!.delete(CORE.pods, pod.metadata.name, pod.metadata.namespace).catch((e) => {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      });
      return;
    }
    if (worker) {
      worker.observe(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") return;
    worker = new PodWorker(this.ctx as KubeletContext, pod);
    this.workers.set(uid, worker);
    worker.start();
  }

  private async finish(uid: string, worker: PodWorker, graceSeconds?: number): Promise<void> {
    await worker.terminate(graceSeconds);
    this.workers.delete(uid);
    const [namespace, name] = worker.key.split("/") as [string, string];
    await removePodLogs(this.ctx.logsDir, { namespace, name, uid });
  }

  private worker(namespace: string, name: string): PodWorker {
    for (const w of this.workers.values()) if (w.key === `${namespace}/${name}`) return w;
    throw new ApiError(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" });
  }

  /** ExecBackend: `kubectl exec` into a running container. */
  async exec(request: { namespace: string; pod: string; container: string; command: string[]; stdin: boolean; tty: boolean }): Promise<ExecSession> {
    return this.worker(request.namespace, request.pod).exec(request);
  }

  /** LogBackend: `kubectl logs` of a container's current or previous instance, as a stream that is also an async
   * iterable of Buffers; destroying it stops a follow. */
  async logs(request: LogRequest): Promise<Readable> {
    const target = this.worker(request.namespace, request.pod).logTarget(request.container, Boolean(request.previous));
    if ("error" in target) throw target.error;
    return Readable.from(readContainerLog(target.file, request, target.active), { objectMode: false });
  }

  /** The network namespaces of the running pods (the proxy programs each of them). */
  podNetns(): string[] {
    return [...this.workers.values()].map((w) => w.netns).filter((n): n is string => Boolean(n));
  }

  /** The worker of a pod, for tests and diagnostics. */
  podWorker(namespace: string, name: string): PodWorker | undefined {
    return [...this.workers.values()].find((w) => w.key === `${namespace}/${name}`);
  }

  /** Stops watching, stops every pod (SIGTERM, a short grace, SIGKILL) and removes every namespace, link, mount and
   * process record the kubelet made, including leftovers of an earlier daemon. */
  async stop({ graceSeconds = 5 }: { graceSeconds?: number } = {}): Promise<void> {
    this.stopped = true;
    this.stopWatch?.();
    this.stopWatch = undefined;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.all([...this.chains.values()]);
    await Promise.all([...this.workers.entries()].map(([uid, w]) => this.finish(uid, w, graceSeconds)));
    await cleanUpKubeletLeftovers({ plan: this.ctx.plan, runDir: this.ctx.runDir, stateDir: this.ctx.stateDir });
  }

  /** Same as stop(): nothing of the kubelet is left on the machine afterwards. */
  stopAll(): Promise<void> {
    return this.stop();
  }
}
