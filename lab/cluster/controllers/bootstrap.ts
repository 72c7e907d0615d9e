// What a fresh cluster has before anyone uses it: the namespaces default, kube-system, kube-public and
// kube-node-lease; the node `lab-node`; the `kubernetes` Service (its ClusterIP, endpoints at the API server);
// CoreDNS in kube-system (Deployment, ConfigMap, ServiceAccount) behind the kube-dns Service at the plan's
// cluster DNS address. Idempotent: only missing objects are created.
import type { ClusterApi, KubeObject, ResourceType } from "../contracts.js";
import { ApiError } from "../contracts.js";
import { types, type ControllerContext } from "./types.js";

/** The node of the lab cluster. */
export const labNodeName = "lab-node";

/** The CoreDNS image of the lab's kube-system. */
export const corednsImage = "registry.k8s.io/coredns/coredns:v1.12.0";

const ensure = async (api: ClusterApi, type: ResourceType, object: KubeObject): Promise<void> => {
  try {
    await api.create(type, object);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 409)) throw error;
  }
};

/** The Corefile of the lab's CoreDNS (what kubeadm installs). */
export const corefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

/** Creates whatever of the initial cluster content is missing. */
export const bootstrapCluster = async (ctx: ControllerContext): Promise<void> => {
  const { api, plan } = ctx;
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    await ensure(api, types.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
  if (!ctx.registry.store.get({ group: "", resource: "nodes" }, undefined, labNodeName)) {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    await ensure(api, types.nodes, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: labNodeName, labels: { "kubernetes.io/hostname": labNodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "node-role.kubernetes.io/control-plane": "" } },
      spec: {},
      status: {
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now, lastTransitionTime: now }],
        addresses: [{ type: "InternalIP", address: plan.gateway }, { type: "Hostname", address: labNodeName }],
        nodeInfo: { kubeletVersion: "v1.33.9", kubeProxyVersion: "v1.33.9", osImage: "Linux", kernelVersion: "", containerRuntimeVersion: "lab://1.0", operatingSystem: "linux", architecture: "amd64" },
      },
    });
  }
  await ensure(api, types.services, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: plan.kubernetesServiceIp, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: plan.apiServerPort }], sessionAffinity: "None", type: "ClusterIP" },
  });
  await ensure(api, types.endpoints, {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "kubernetes", namespace: "default", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [{ addresses: [{ ip: plan.gateway }], ports: [{ name: "https", port: plan.apiServerPort, protocol: "TCP" }] }],
  });
  await ensure(api, types.endpointSlices, {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "kubernetes", namespace: "default", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: "IPv4",
    endpoints: [{ addresses: [plan.gateway], conditions: { ready: true } }],
    ports: [{ name: "https", port: plan.apiServerPort, protocol: "TCP" }],
  });
  await ensure(api, types.serviceAccounts, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "coredns", namespace: "kube-system" } });
  await ensure(api, types.configMaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "coredns", namespace: "kube-system" }, data: { Corefile: corefile } });
  const labels = { "k8s-app": "kube-dns" };
  await ensure(api, types.deployments, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system", labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: "coredns",
          dnsPolicy: "Default",
          containers: [
            {
              name: "coredns",
              image: corednsImage,
              args: ["-conf", "/etc/coredns/Corefile"],
              ports: [
                { name: "dns", containerPort: 53, protocol: "UDP" },
                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                { name: "metrics", containerPort: 9153, protocol: "TCP" },
              ],
              volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
              livenessProbe: { httpGet: { path: "/health", port: 8080 }, initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5 },
              readinessProbe: { httpGet: { path: "/ready", port: 8181 } },
            },
          ],
          volumes: [{ name: "config-volume", configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] } }],
        },
      },
    },
  });
  await ensure(api, types.services, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" }, annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" } },
    spec: {
      clusterIP: plan.clusterDnsIp,
      selector: labels,
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
    },
  });
};
