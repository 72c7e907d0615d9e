// The node side of the cluster daemon as ClusterComponents, in start order: the cloud DNS (the VM's and CoreDNS's
// upstream, on the gateway), kube-proxy (ClusterIP rules in pod namespaces) and the kubelet (pods, exec, logs).
// The daemon stops them in reverse: pods first, so nothing is left running.
import type { ClusterApi, ClusterComponent, ClusterComponentContext } from "../contracts.js";
import { startCloudDns, type CloudDns } from "../dns/cloud-dns.js";
import { ServiceProxy } from "../proxy/proxy.js";
import { labNetPlan } from "../../net/plan.js";
import { Kubelet } from "./kubelet.js";
import type { ImageCatalog } from "./images.js";

/** Options of nodeComponents. */
export interface NodeComponentOptions {
  instance: number;
  stateDir: string;
  /** Extra images (the Istio part registers its proxy and istiod images here). */
  images?: ImageCatalog;
  /** Port of the cloud DNS on the gateway (53). */
  cloudDnsPort?: number;
}

/** The running node parts, for the daemon's other components (Istio registers images, publishes names). */
export interface NodeComponents {
  components: ClusterComponent[];
  kubelet: Kubelet;
  proxy: ServiceProxy;
  /** The cloud DNS once started (to publish names such as a load balancer's). */
  cloudDns(): CloudDns | undefined;
}

/** Builds the cloud DNS, kube-proxy and kubelet components of a lab instance. */
export const nodeComponents = ({ instance, stateDir, images, cloudDnsPort = 53 }: NodeComponentOptions): NodeComponents => {
  const plan = labNetPlan(instance);
  const logs = { proxy: (_: string) => undefined as void, kubelet: (_: string) => undefined as void };
  const proxy = new ServiceProxy((line) => logs.proxy(line), plan);
  const kubelet = new Kubelet({ plan, stateDir, images, network: proxy, log: (line) => logs.kubelet(line) });
  let cloud: CloudDns | undefined;
  const cloudDnsComponent: ClusterComponent = {
    name: "cloud-dns",
    start: async (_api: ClusterApi, context: ClusterComponentContext) => {
      cloud = await startCloudDns({ plan, port: cloudDnsPort });
      context.log(`cloud DNS on ${plan.cloudDns}:${cloud.server.port}`);
    },
    stop: async () => {
      await cloud?.close();
      cloud = undefined;
    },
  };
  const proxyComponent: ClusterComponent = {
    name: "kube-proxy",
    start: async (api: ClusterApi, context: ClusterComponentContext) => {
      logs.proxy = context.log;
      await proxy.start(api);
    },
    stop: () => proxy.stop(),
  };
  const kubeletComponent: ClusterComponent = {
    name: "kubelet",
    exec: kubelet,
    logs: kubelet,
    runsPods: true,
    start: async (api: ClusterApi, context: ClusterComponentContext) => {
      logs.kubelet = context.log;
      await kubelet.start(api);
    },
    stop: () => kubelet.stop(),
  };
  return { components: [cloudDnsComponent, proxyComponent, kubeletComponent], kubelet, proxy, cloudDns: () => cloud };
};
