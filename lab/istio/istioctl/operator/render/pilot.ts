// The Istiod component (istio-discovery chart): Deployment and Service istiod (image <hub>/pilot:<tag>, env with the
// IstioOperator's values.pilot.env), ConfigMaps `istio` (mesh) and `istio-sidecar-injector` (the values istioctl reads
// the cluster ID from), the injection and validation webhook configurations, and istiod's ServiceAccount (1.10+).
import type { Obj } from "../iop.js";
import { overlayEnv } from "./env.js";
import type { EnvVar, InstallPlan } from "../plan.js";
import { meshConfigText } from "./mesh-config.js";

/** Labels the chart puts on its objects. */
const chartLabels = (plan: InstallPlan, extra: Record<string, string> = {}): Record<string, string> => ({
  ...extra,
  "istio.io/rev": plan.revision || "default",
  "install.operator.istio.io/owning-resource": "unknown",
  "operator.istio.io/component": "Pilot",
  release: "istio",
});

const fieldEnv = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { apiVersion: "v1", fieldPath } } });

/** istiod's container env: the chart's, values.pilot.env (sorted), then components.pilot.k8s.env by name. */
export const istiodEnv = (plan: InstallPlan): EnvVar[] => {
  const { facts, global, namespace } = plan;
  const old = facts.version.minor < 21;
  const env: EnvVar[] = [
    { name: "REVISION", value: plan.revision || "default" },
    ...(old ? [{ name: "JWT_POLICY", value: "third-party-jwt" }] : []),
    { name: "PILOT_CERT_PROVIDER", value: "istiod" },
    fieldEnv("POD_NAME", "metadata.name"),
    fieldEnv("POD_NAMESPACE", "metadata.namespace"),
    fieldEnv("SERVICE_ACCOUNT", "spec.serviceAccountName"),
    { name: "KUBECONFIG", value: "/var/run/secrets/remote/config" },
    ...(old ? [] : [{ name: "CA_TRUSTED_NODE_ACCOUNTS", value: `${namespace}/ztunnel` }]),
    ...plan.pilotEnv,
    { name: "PILOT_TRACE_SAMPLING", value: "1" },
    ...(old
      ? [
          { name: "PILOT_ENABLE_PROTOCOL_SNIFFING_FOR_OUTBOUND", value: "true" },
          { name: "PILOT_ENABLE_PROTOCOL_SNIFFING_FOR_INBOUND", value: "true" },
          { name: "INJECTION_WEBHOOK_CONFIG_NAME", value: "istio-sidecar-injector" },
          { name: "ISTIOD_ADDR", value: `istiod.${namespace}.svc:15012` },
        ]
      : []),
    { name: "PILOT_ENABLE_ANALYSIS", value: "false" },
    { name: "CLUSTER_ID", value: global.clusterName || "Kubernetes" },
    ...(old
      ? [
          { name: "EXTERNAL_ISTIOD", value: "false" },
          { name: "CENTRAL_ISTIOD", value: "false" },
          { name: "PILOT_ENDPOINT_TELEMETRY_LABEL", value: "true" },
        ]
      : [{ name: "GOMAXPROCS", valueFrom: { resourceFieldRef: { divisor: "1", resource: "limits.cpu" } } }, { name: "PLATFORM", value: "" }]),
  ];
  return overlayEnv(env, plan.pilotK8sEnv);
};

/** The istiod Deployment. */
const istiodDeployment = (plan: InstallPlan): Obj => {
  const { facts, namespace } = plan;
  const old = facts.version.minor < 21;
  const selector = old ? { app: "istiod", "istio.io/rev": plan.revision || "default", istio: "pilot" } : { istio: "pilot" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "istiod", namespace, labels: chartLabels(plan, { app: "istiod", istio: "pilot" }) },
    spec: {
      ...(old ? { replicas: 1 } : {}),
      strategy: { rollingUpdate: { maxSurge: "100%", maxUnavailable: "25%" } },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...chartLabels(plan, { app: "istiod", istio: "pilot" }), ...(old ? {} : { "sidecar.istio.io/inject": "false", "istio.io/dataplane-mode": "none" }) },
          annotations: { "prometheus.io/port": "15014", "prometheus.io/scrape": "true", "sidecar.istio.io/inject": "false" },
        },
        spec: {
          serviceAccountName: facts.istiodServiceAccount,
          ...(old ? { securityContext: { fsGroup: 1337 } } : {}),
          containers: [
            {
              name: "discovery",
              image: `${plan.hub}/pilot:${plan.tag}`,
              args: ["discovery", "--monitoringAddr=:15014", "--log_output_level=default:info", ...(old ? ["--log_as_json"] : []), "--domain", "cluster.local", ...(old ? ["--plugins=authn,authz,health"] : []), "--keepaliveMaxServerConnectionAge", "30m"],
              ports: [
                { containerPort: 8080, protocol: "TCP", ...(old ? {} : { name: "http-debug" }) },
                { containerPort: 15010, protocol: "TCP", ...(old ? {} : { name: "grpc-xds" }) },
                ...(old ? [] : [{ containerPort: 15012, protocol: "TCP", name: "tls-xds" }]),
                { containerPort: 15017, protocol: "TCP", ...(old ? {} : { name: "https-webhooks" }) },
                old ? { containerPort: 15053, protocol: "TCP" } : { containerPort: 15014, protocol: "TCP", name: "http-monitoring" },
              ],
              readinessProbe: { httpGet: { path: "/ready", port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
              env: istiodEnv(plan),
              resources: { requests: { cpu: "500m", memory: "2048Mi" } },
              securityContext: old ? { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true, capabilities: { drop: ["ALL"] } } : { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
};

/** The istiod Service (15010, 15012, 443→15017, 15014). */
const istiodService = (plan: InstallPlan): Obj => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "istiod", namespace: plan.namespace, labels: chartLabels(plan, { app: "istiod", istio: "pilot" }) },
  spec: {
    ports: [
      { port: 15010, name: "grpc-xds", protocol: "TCP" },
      { port: 15012, name: "https-dns", protocol: "TCP" },
      { port: 443, name: "https-webhook", targetPort: 15017, protocol: "TCP" },
      { port: 15014, name: "http-monitoring", protocol: "TCP" },
    ],
    selector: { app: "istiod", istio: "pilot" },
  },
});

/** The values the injector ConfigMap carries (a subset of the chart values: what istioctl and istiod read). */
const injectorValues = (plan: InstallPlan): Obj => {
  const v = plan.values;
  const global = (v["global"] ?? {}) as Obj;
  return {
    global: {
      ...global,
      hub: plan.hub,
      tag: plan.tag,
      imagePullPolicy: global["imagePullPolicy"] ?? "",
      istioNamespace: plan.namespace,
      jwtPolicy: "third-party-jwt",
      meshID: plan.global.meshID,
      multiCluster: { ...((global["multiCluster"] ?? {}) as Obj), clusterName: plan.global.clusterName, enabled: Boolean((global["multiCluster"] as Obj | undefined)?.["enabled"]) },
      network: plan.global.network,
      pilotCertProvider: "istiod",
      proxy: { autoInject: "enabled", clusterDomain: "cluster.local", image: "proxyv2", logLevel: "warning", statusPort: 15020, ...((global["proxy"] ?? {}) as Obj) },
      proxy_init: { image: "proxyv2" },
    },
    pilot: { cni: { enabled: false }, env: Object.fromEntries(plan.pilotEnv.map((e) => [e.name, e.value])) },
    revision: plan.revision,
    sidecarInjectorWebhook: { alwaysInjectSelector: [], defaultTemplates: [], enableNamespacesByDefault: false, injectedAnnotations: {}, neverInjectSelector: [], rewriteAppHTTPProbe: true, templates: {} },
  };
};

/** Sorts object keys recursively (Helm's toPrettyJson marshals Go maps in key order). */
const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortKeys((v as Obj)[k])])) : v;

/** ConfigMaps `istio` and `istio-sidecar-injector`. */
const configMaps = (plan: InstallPlan): Obj[] => [
  {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "istio", namespace: plan.namespace, labels: chartLabels(plan) },
    data: { mesh: meshConfigText(plan), meshNetworks: "networks: {}" },
  },
  {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "istio-sidecar-injector", namespace: plan.namespace, labels: chartLabels(plan) },
    data: {
      values: JSON.stringify(sortKeys(injectorValues(plan)), null, 2),
      // The lab has no injection webhook (pods are not mutated): the template itself is not reproduced.
      config: "policy: enabled\nalwaysInjectSelector:\n  []\nneverInjectSelector:\n  []\ninjectedAnnotations:\ntemplate: \"\"",
    },
  },
];

/** The sidecar injection webhook configuration (data only: the lab's API server calls no webhooks). */
const injectionWebhook = (plan: InstallPlan): Obj => {
  const clientConfig = { service: { name: "istiod", namespace: plan.namespace, path: "/inject", port: 443 }, caBundle: "" };
  const rules = [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "*" }];
  const common = { clientConfig, rules, failurePolicy: "Fail", sideEffects: "None", admissionReviewVersions: ["v1beta1", "v1"], reinvocationPolicy: "Never", timeoutSeconds: 10, matchPolicy: "Equivalent" };
  const webhooks =
    plan.facts.version.minor < 21
      ? [{ name: "sidecar-injector.istio.io", ...common, namespaceSelector: { matchLabels: { "istio-injection": "enabled" } }, objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] } }]
      : [
          { name: "rev.namespace.sidecar-injector.istio.io", ...common, namespaceSelector: { matchExpressions: [{ key: "istio.io/rev", operator: "In", values: ["default"] }, { key: "istio-injection", operator: "DoesNotExist" }] }, objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] } },
          { name: "rev.object.sidecar-injector.istio.io", ...common, namespaceSelector: { matchExpressions: [{ key: "istio.io/rev", operator: "DoesNotExist" }, { key: "istio-injection", operator: "DoesNotExist" }] }, objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }, { key: "istio.io/rev", operator: "In", values: ["default"] }] } },
          { name: "namespace.sidecar-injector.istio.io", ...common, namespaceSelector: { matchExpressions: [{ key: "istio-injection", operator: "In", values: ["enabled"] }] }, objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] } },
          { name: "object.sidecar-injector.istio.io", ...common, namespaceSelector: { matchExpressions: [{ key: "istio-injection", operator: "DoesNotExist" }, { key: "istio.io/rev", operator: "DoesNotExist" }] }, objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "In", values: ["true"] }, { key: "istio.io/rev", operator: "DoesNotExist" }] } },
        ];
  return { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "istio-sidecar-injector", labels: chartLabels(plan, { app: "sidecar-injector" }) }, webhooks };
};

/** The config validation webhook configuration (1.10+: in the Pilot component; before: Base). */
export const validationWebhook = (plan: InstallPlan, component: "Base" | "Pilot"): Obj => ({
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingWebhookConfiguration",
  metadata: { name: `${plan.facts.validatingWebhookPrefix}-${plan.namespace}`, labels: { ...(component === "Pilot" ? chartLabels(plan) : { release: "istio" }), app: "istiod", istio: "istiod" } },
  webhooks: [
    {
      name: plan.facts.version.minor < 21 ? "validation.istio.io" : "rev.validation.istio.io",
      clientConfig: { service: { name: "istiod", namespace: plan.namespace, path: "/validate", port: 443 }, caBundle: "" },
      rules: [{ operations: ["CREATE", "UPDATE"], apiGroups: ["security.istio.io", "networking.istio.io", ...(plan.facts.version.minor < 21 ? [] : ["telemetry.istio.io", "extensions.istio.io"])], apiVersions: ["*"], resources: ["*"], scope: "*" }],
      failurePolicy: "Ignore",
      sideEffects: "None",
      admissionReviewVersions: ["v1beta1", "v1"],
      matchPolicy: "Equivalent",
      timeoutSeconds: 10,
      namespaceSelector: {},
      objectSelector: {},
    },
  ],
});

/** Every object of the Pilot component, in the chart's order. */
export const pilotObjects = (plan: InstallPlan): Obj[] => [
  ...(plan.facts.istiodServiceAccount === "istiod" ? [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "istiod", namespace: plan.namespace, labels: chartLabels(plan, { app: "istiod" }) } }] : []),
  ...(plan.facts.validatingWebhookPrefix === "istio-validator" ? [validationWebhook(plan, "Pilot")] : []),
  ...configMaps(plan),
  injectionWebhook(plan),
  istiodDeployment(plan),
  istiodService(plan),
];
