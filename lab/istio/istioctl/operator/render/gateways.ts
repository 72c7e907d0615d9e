// Ingress and egress gateways (the gateways charts): per gateway a ServiceAccount, a Deployment running
// <hub>/proxyv2:<tag> as `istio-proxy` (the chart's env with the IstioOperator's k8s.env merged by name, a container
// port per Service targetPort plus 15090) — or, with an injection template (1.11+, the east-west gateway of current
// releases), the minimal `image: auto` Deployment istiod's injector completes — and a Service (LoadBalancer for ingress
// gateways) with the gateway's ports.
import type { Obj } from "../iop.js";
import type { EnvVar, GatewayPlan, InstallPlan } from "../plan.js";
import { overlayEnv } from "./env.js";

const fieldEnv = (name: string, fieldPath: string, apiVersion = true): EnvVar => ({ name, valueFrom: { fieldRef: { ...(apiVersion ? { apiVersion: "v1" } : {}), fieldPath } } });

/** The chart's env of a gateway container, then k8s.env. */
export const gatewayEnv = (plan: InstallPlan, gw: GatewayPlan): EnvVar[] => {
  const { facts, global, namespace } = plan;
  const old = facts.version.minor < 21;
  const env: EnvVar[] = [
    ...(old ? [{ name: "JWT_POLICY", value: "third-party-jwt" }] : []),
    { name: "PILOT_CERT_PROVIDER", value: "istiod" },
    { name: "CA_ADDR", value: `istiod.${namespace}.svc:15012` },
    fieldEnv("NODE_NAME", "spec.nodeName"),
    fieldEnv("POD_NAME", "metadata.name"),
    fieldEnv("POD_NAMESPACE", "metadata.namespace"),
    fieldEnv("INSTANCE_IP", "status.podIP"),
    fieldEnv("HOST_IP", "status.hostIP"),
    fieldEnv("SERVICE_ACCOUNT", "spec.serviceAccountName", false),
    ...(old ? [fieldEnv("CANONICAL_SERVICE", "metadata.labels['service.istio.io/canonical-name']", false), fieldEnv("CANONICAL_REVISION", "metadata.labels['service.istio.io/canonical-revision']", false)] : []),
    { name: "ISTIO_META_WORKLOAD_NAME", value: gw.name },
    { name: "ISTIO_META_OWNER", value: `kubernetes://apis/apps/v1/namespaces/${namespace}/deployments/${gw.name}` },
    { name: "ISTIO_META_MESH_ID", value: global.meshID || global.trustDomain },
    { name: "TRUST_DOMAIN", value: global.trustDomain },
    ...(old && facts.meshDnsAgent ? [{ name: "DNS_AGENT", value: "" }] : []),
    ...(global.network ? [{ name: "ISTIO_META_NETWORK", value: global.network }] : []),
    ...(old ? [] : [{ name: "ISTIO_META_UNPRIVILEGED_POD", value: "true" }]),
    { name: "ISTIO_META_CLUSTER_ID", value: global.clusterName || "Kubernetes" },
  ];
  return overlayEnv(env, gw.env);
};

/** Labels of a gateway's objects. */
const labelsOf = (plan: InstallPlan, gw: GatewayPlan): Record<string, string> => ({
  ...gw.labels,
  release: "istio",
  "istio.io/rev": plan.revision || "default",
  "install.operator.istio.io/owning-resource": "unknown",
  "operator.istio.io/component": gw.component,
});

/** The pod template of a gateway whose proxy istiod injects (`image: auto`, the injection template annotation). */
const injectedPodTemplate = (plan: InstallPlan, gw: GatewayPlan, containerPorts: Obj[]): Obj => ({
  metadata: {
    labels: { ...gw.labels, heritage: "Tiller", release: "istio", chart: "gateways", "install.operator.istio.io/owning-resource": "unknown", "operator.istio.io/component": gw.component, "sidecar.istio.io/inject": "true", "service.istio.io/canonical-name": gw.name, "service.istio.io/canonical-revision": plan.revision || "latest" },
    annotations: { "prometheus.io/port": "15020", "prometheus.io/scrape": "true", "prometheus.io/path": "/stats/prometheus", "sidecar.istio.io/inject": "true", "inject.istio.io/templates": gw.injectionTemplate },
  },
  spec: {
    securityContext: { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true },
    serviceAccountName: `${gw.name}-service-account`,
    containers: [
      {
        name: "istio-proxy",
        image: "auto",
        ports: containerPorts,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, privileged: false, readOnlyRootFilesystem: true },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } },
        env: overlayEnv([{ name: "ISTIO_META_UNPRIVILEGED_POD", value: "true" }], gw.env),
      },
    ],
  },
});

/** The pod template of a gateway with its full proxy container. */
const podTemplate = (plan: InstallPlan, gw: GatewayPlan, labels: Record<string, string>, containerPorts: Obj[]): Obj => ({
  metadata: {
    labels: { ...labels, "service.istio.io/canonical-name": gw.name, "service.istio.io/canonical-revision": "latest", "sidecar.istio.io/inject": "false" },
    annotations: { "prometheus.io/path": "/stats/prometheus", "prometheus.io/port": "15020", "prometheus.io/scrape": "true", "sidecar.istio.io/inject": "false" },
  },
  spec: {
    serviceAccountName: `${gw.name}-service-account`,
    securityContext: { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true, fsGroup: 1337 },
    containers: [
      {
        name: "istio-proxy",
        image: `${plan.hub}/proxyv2:${plan.tag}`,
        ports: containerPorts,
        args: ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info", ...(plan.facts.version.minor < 21 ? ["--serviceCluster", gw.name] : [])],
        readinessProbe: { failureThreshold: 30, httpGet: { path: "/healthz/ready", port: 15021, scheme: "HTTP" }, initialDelaySeconds: 1, periodSeconds: 2, successThreshold: 1, timeoutSeconds: 1 },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1024Mi" } },
        env: gatewayEnv(plan, gw),
      },
    ],
  },
});

/** The three objects of one gateway. */
const gatewayObjects = (plan: InstallPlan, gw: GatewayPlan): Obj[] => {
  const { namespace } = plan;
  const labels = labelsOf(plan, gw);
  const containerPorts = [...gw.ports.map((p) => ({ containerPort: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP" })), { containerPort: 15090, protocol: "TCP", name: "http-envoy-prom" }];
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: `${gw.name}-service-account`, namespace, labels: { ...gw.labels, release: "istio" } } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: gw.name, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: gw.labels },
        strategy: { rollingUpdate: { maxSurge: "100%", maxUnavailable: "25%" } },
        template: gw.injectionTemplate ? injectedPodTemplate(plan, gw, containerPorts) : podTemplate(plan, gw, labels, containerPorts),
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: gw.name, namespace, labels },
      spec: { type: gw.serviceType, selector: gw.labels, ports: gw.ports.map((p) => ({ name: p.name, port: p.port, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}), protocol: p.protocol ?? "TCP" })) },
    },
  ];
};

/** The objects of one gateway component (IngressGateways or EgressGateways). */
export const gatewayComponentObjects = (plan: InstallPlan, component: GatewayPlan["component"]): Obj[] => plan.gateways.filter((g) => g.component === component).flatMap((g) => gatewayObjects(plan, g));
