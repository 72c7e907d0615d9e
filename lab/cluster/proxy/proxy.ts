// The kube-proxy stand-in: watches Services and Endpoints and keeps the ClusterIP rules of every pod namespace
// current. It is the kubelet's PodNetworkHooks: a new pod namespace gets the rules before its containers start.
import type { ClusterApi, KubeObject, WatchEvent } from "../contracts.js";
import type { PodNetworkHooks } from "../kubelet/pod-worker.js";
import type { LabNetPlan } from "../../net/plan.js";
import { loadBalancerRules, programLoadBalancers, removeLoadBalancers } from "./load-balancer.js";
import { programPodNetns } from "./pod-rules.js";
import { servicePortRules } from "./rules.js";

const SERVICES = { group: "", version: "v1", resource: "services" };
const ENDPOINTS = { group: "", version: "v1", resource: "endpoints" };

/** ClusterIP routing for the pods of the lab, and (with a plan) the LoadBalancer IPs on the lab LAN. */
export class ServiceProxy implements PodNetworkHooks {
  private readonly services = new Map<string, KubeObject>();
  private readonly endpoints = new Map<string, KubeObject>();
  private readonly netns = new Set<string>();
  private stops: Array<() => void> = [];
  private dirty = false;
  private syncing?: Promise<void>;
  /** Bumped by every change; `synced` compares against it. */
  private generation = 0;
  private syncedGeneration = 0;

  constructor(
    private readonly log: (line: string) => void = (l) => process.stderr.write(`proxy: ${l}\n`),
    /** The lab's plan: when given, LoadBalancer Services' external IPs are served on the LAN. */
    private readonly plan?: LabNetPlan,
  ) {}

  /** Starts watching Services and Endpoints. */
  async start(api: ClusterApi): Promise<void> {
    const onEvent = (map: Map<string, KubeObject>) => (e: WatchEvent) => {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === "DELETED") map.delete(key);
      else map.set(key, e.object);
      this.requestSync();
    };
    this.stops = [api.watch(SERVICES, {}, onEvent(this.services)), api.watch(ENDPOINTS, {}, onEvent(this.endpoints))];
  }

  /** Stops watching (the rules die with the pod namespaces) and removes the load balancer namespace. */
  async stop(): Promise<void> {
    for (const stop of this.stops) stop();
    this.stops = [];
    await this.syncing;
    if (this.plan) await removeLoadBalancers(this.plan);
  }

  /** PodNetworkHooks: programs a new (or re-checked) pod namespace now. */
  async podNetworkReady(netns: string): Promise<void> {
    this.netns.add(netns);
    await programPodNetns(netns, this.currentRules());
  }

  /** PodNetworkHooks: forgets a pod namespace. */
  async podNetworkGone(netns: string): Promise<void> {
    this.netns.delete(netns);
  }

  private currentRules() {
    return servicePortRules([...this.services.values()], [...this.endpoints.values()]);
  }

  /** Coalesces changes into one sync of every namespace at a time. */
  private requestSync(): void {
    this.generation++;
    this.dirty = true;
    if (this.syncing) return;
    this.syncing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        const target = this.generation;
        const rules = this.currentRules();
        for (const netns of [...this.netns]) {
          try {
            await programPodNetns(netns, rules);
          } catch (error) {
            if (this.netns.has(netns)) this.log(`${netns}: ${(error as Error).message}`);
          }
        }
        if (this.plan) {
          try {
            await programLoadBalancers(this.plan, loadBalancerRules(this.plan, [...this.services.values()], rules));
          } catch (error) {
            this.log(`load balancers: ${(error as Error).message}`);
          }
        }
        this.syncedGeneration = target;
      }
    })().finally(() => {
      this.syncing = undefined;
    });
  }

  /** Resolves once every change seen so far is programmed into every pod namespace. */
  async synced(): Promise<void> {
    while (this.syncedGeneration < this.generation || this.syncing) await (this.syncing ?? Promise.resolve());
  }
}
