// The sidecar injection template of the istio-discovery chart, rendered for one pod: the istio-init init container
// (proxyv2 running istio-iptables with the release's args), the istio-proxy container (proxyv2 `proxy sidecar`, its
// env, readiness/startup probes on 15021, uid 1337) — a native sidecar in current releases on Kubernetes 1.33 —, the
// volumes, the canonical-service labels, security.istio.io/tlsMode=istio, sidecar.istio.io/status, and the rewrite of
// the app's HTTP probes to the agent (/app-health/<container>/readyz on 15020).
import { createHash } from "node:crypto";
import type { KubeObject } from "../../cluster/contracts.js";

type Obj = Record<string, any>;

/** Inputs of the template. */
export interface InjectionInputs {
  /** Image tag of the release (values.global.tag). */
  tag: string;
  /** values.global.hub. */
  hub: string;
  /** Minor of the release (template differences). */
  minor: number;
  /** mesh config defaultConfig (ProxyConfig) from ConfigMap istio. */
  proxyConfig: Obj;
  trustDomain: string;
  clusterId: string;
  network: string;
  meshId: string;
  istioNamespace: string;
  revision: string;
  /** Native sidecar (current releases, Kubernetes ≥ 1.33 nodes). */
  nativeSidecar: boolean;
  rewriteAppHTTPProbe: boolean;
}

/** The Deployment (or owner) a pod belongs to: name and namespace, as the injector's DeploymentMeta. */
export const deploymentMeta = (pod: KubeObject): { name: string; kind: string; apiVersion: string } | undefined => {
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!owner) return undefined;
  const hash = pod.metadata.labels?.["pod-template-hash"];
  if (owner.kind === "ReplicaSet" && hash && owner.name.endsWith(`-${hash}`)) return { name: owner.name.slice(0, -(hash.length + 1)), kind: "Deployment", apiVersion: "apps/v1" };
  return { name: owner.name, kind: owner.kind, apiVersion: owner.apiVersion };
};

const fieldRef = (name: string, fieldPath: string): Obj => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/** structToJSON of a container port (the ISTIO_META_POD_PORTS entries). */
const portJson = (p: Obj): string => JSON.stringify(Object.fromEntries(Object.entries({ name: p["name"], containerPort: p["containerPort"], protocol: p["protocol"] ?? "TCP" }).filter(([, v]) => v !== undefined)));

/** The app probers the agent runs for rewritten HTTP probes (ISTIO_KUBE_APP_PROBERS). */
const rewriteProbes = (pod: KubeObject): Record<string, Obj> => {
  const probers: Record<string, Obj> = {};
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const [kind, suffix] of [["readinessProbe", "readyz"], ["livenessProbe", "livez"], ["startupProbe", "startupz"]] as const) {
      const probe = c[kind] as Obj | undefined;
      if (!probe?.["httpGet"]) continue;
      const path = `/app-health/${c["name"]}/${suffix}`;
      const port = probe["httpGet"]["port"];
      const resolved = typeof port === "number" ? port : Number(((c["ports"] ?? []) as Obj[]).find((p) => p["name"] === port)?.["containerPort"] ?? port);
      probers[path] = { httpGet: { path: probe["httpGet"]["path"] ?? "/", port: resolved, scheme: probe["httpGet"]["scheme"] ?? "HTTP" }, timeoutSeconds: probe["timeoutSeconds"] ?? 1 };
      c[kind] = { ...probe, httpGet: { path, port: 15020, scheme: "HTTP" } };
    }
  }
  return probers;
};

/** What both templates start from: the pod's spec, labels and annotations (created when missing), its namespace and
 * owning Deployment, the proxy image, the mesh's proxyMetadata, and the pod's canonical service name and revision. */
const templateContext = (pod: KubeObject, i: InjectionInputs) => {
  const spec = (pod.spec ??= {}) as Obj;
  const labels = (pod.metadata.labels ??= {});
  const annotations = (pod.metadata.annotations ??= {});
  const owner = deploymentMeta(pod);
  const proxyMetadata: Record<string, string> = Object.fromEntries(Object.entries((i.proxyConfig["proxyMetadata"] ?? {}) as Obj).map(([k, v]) => [k, String(v ?? "")]));
  const canonicalName = labels["service.istio.io/canonical-name"] ?? labels["app.kubernetes.io/name"] ?? labels["app"] ?? owner?.name ?? pod.metadata.name;
  const canonicalRevision = labels["service.istio.io/canonical-revision"] ?? labels["app.kubernetes.io/version"] ?? labels["version"] ?? "latest";
  return { spec, labels, annotations, ns: pod.metadata.namespace ?? "default", owner, image: `${i.hub}/proxyv2:${i.tag}`, proxyMetadata, canonicalName, canonicalRevision };
};

/** Mutates `pod` as the injector's patch would; returns the names it added (for sidecar.istio.io/status). */
export const injectSidecar = (pod: KubeObject, i: InjectionInputs): void => {
  const { spec, labels, annotations, ns, owner, image, proxyMetadata, canonicalName, canonicalRevision } = templateContext(pod, i);
  const current = i.minor >= 10;
  const metaEnv = Object.entries(proxyMetadata).map(([name, value]) => ({ name, value }));
  labels["security.istio.io/tlsMode"] ??= "istio";
  labels["service.istio.io/canonical-name"] = canonicalName;
  labels["service.istio.io/canonical-revision"] = canonicalRevision;
  if (!current) labels["istio.io/rev"] ??= i.revision || "default";

  const appContainers = ((spec["containers"] ?? []) as Obj[]).map((c) => String(c["name"]));
  const podPorts = ((spec["containers"] ?? []) as Obj[]).flatMap((c) => ((c["ports"] ?? []) as Obj[]).map(portJson));
  const probers = i.rewriteAppHTTPProbe ? rewriteProbes(pod) : {};
  const proxyConfigJson = JSON.stringify({ ...i.proxyConfig, discoveryAddress: i.proxyConfig["discoveryAddress"] ?? `istiod.${i.istioNamespace}.svc:15012`, proxyMetadata: proxyMetadata });

  const initContainer: Obj = {
    name: "istio-init",
    image,
    args: ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020", ...(current ? ["--log_output_level=default:info"] : [])],
    ...(metaEnv.length ? { env: metaEnv } : {}),
    resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "10m", memory: "40Mi" } },
    securityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] }, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 },
    ...(current ? {} : { imagePullPolicy: "Always" }),
  };
  const env: Obj[] = [
    ...(current ? [] : [{ name: "JWT_POLICY", value: "third-party-jwt" }]),
    { name: "PILOT_CERT_PROVIDER", value: "istiod" },
    { name: "CA_ADDR", value: `istiod.${i.istioNamespace}.svc:15012` },
    fieldRef("POD_NAME", "metadata.name"),
    fieldRef("POD_NAMESPACE", "metadata.namespace"),
    fieldRef("INSTANCE_IP", "status.podIP"),
    fieldRef("SERVICE_ACCOUNT", "spec.serviceAccountName"),
    fieldRef("HOST_IP", "status.hostIP"),
    ...(current
      ? [{ name: "ISTIO_CPU_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1" } } }]
      : [fieldRef("CANONICAL_SERVICE", "metadata.labels['service.istio.io/canonical-name']"), fieldRef("CANONICAL_REVISION", "metadata.labels['service.istio.io/canonical-revision']")]),
    { name: "PROXY_CONFIG", value: `${proxyConfigJson}\n` },
    { name: "ISTIO_META_POD_PORTS", value: `[\n${podPorts.join("\n,")}\n]` },
    { name: "ISTIO_META_APP_CONTAINERS", value: appContainers.join(",") },
    ...(current ? [{ name: "GOMEMLIMIT", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1" } } }, { name: "GOMAXPROCS", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1" } } }] : []),
    { name: "ISTIO_META_CLUSTER_ID", value: i.clusterId || "Kubernetes" },
    ...(current ? [fieldRef("ISTIO_META_NODE_NAME", "spec.nodeName")] : []),
    { name: "ISTIO_META_INTERCEPTION_MODE", value: "REDIRECT" },
    ...(i.network ? [{ name: "ISTIO_META_NETWORK", value: i.network }] : []),
    ...(!current && Object.keys(annotations).length ? [{ name: "ISTIO_METAJSON_ANNOTATIONS", value: `${JSON.stringify(annotations)}\n` }] : []),
    ...(owner ? [{ name: "ISTIO_META_WORKLOAD_NAME", value: owner.name }, { name: "ISTIO_META_OWNER", value: `kubernetes://apis/${owner.apiVersion}/namespaces/${ns}/${owner.kind.toLowerCase()}s/${owner.name}` }] : []),
    { name: "ISTIO_META_MESH_ID", value: i.meshId || i.trustDomain },
    { name: "TRUST_DOMAIN", value: i.trustDomain },
    ...(Object.keys(probers).length ? [{ name: "ISTIO_KUBE_APP_PROBERS", value: JSON.stringify(probers) }] : []),
    ...metaEnv,
  ];
  const args = ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"];
  if (!current) args.push("--serviceCluster", labels["app"] ? `${labels["app"]}.$(POD_NAMESPACE)` : `${owner?.name ?? "istio-proxy"}.${ns}`);
  args.push("--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error");
  if (current) args.push("--log_output_level=default:info");
  else args.push("--concurrency", "2");
  const proxy: Obj = {
    name: "istio-proxy",
    image,
    ...(i.nativeSidecar ? { restartPolicy: "Always" } : {}),
    ports: [{ containerPort: 15090, protocol: "TCP", name: "http-envoy-prom" }],
    args,
    env,
    ...(current ? {} : { imagePullPolicy: "Always" }),
    ...(current ? { startupProbe: { httpGet: { path: "/healthz/ready", port: 15021 }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 600 } } : {}),
    readinessProbe: current
      ? { httpGet: { path: "/healthz/ready", port: 15021 }, initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 }
      : { httpGet: { path: "/healthz/ready", port: 15021 }, initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 30 },
    resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "100m", memory: "128Mi" } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, privileged: false, readOnlyRootFilesystem: !current ? true : true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
    volumeMounts: [
      ...(current
        ? [
            { name: "workload-socket", mountPath: "/var/run/secrets/workload-spiffe-uds" },
            { name: "credential-socket", mountPath: "/var/run/secrets/credential-uds" },
            { name: "workload-certs", mountPath: "/var/run/secrets/workload-spiffe-credentials" },
          ]
        : []),
      { mountPath: "/var/run/secrets/istio", name: "istiod-ca-cert" },
      ...(current ? [{ mountPath: "/var/run/secrets/istio/crl", name: "istio-ca-crl" }] : []),
      { mountPath: "/var/lib/istio/data", name: "istio-data" },
      { mountPath: "/etc/istio/proxy", name: "istio-envoy" },
      { mountPath: "/var/run/secrets/tokens", name: "istio-token" },
      { mountPath: "/etc/istio/pod", name: "istio-podinfo" },
    ],
  };
  const volumes: Obj[] = [
    ...(current ? [{ name: "workload-socket", emptyDir: {} }, { name: "credential-socket", emptyDir: {} }, { name: "workload-certs", emptyDir: {} }] : []),
    { name: "istio-envoy", emptyDir: { medium: "Memory" } },
    { name: "istio-data", emptyDir: {} },
    { name: "istio-podinfo", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }, { path: "annotations", fieldRef: { fieldPath: "metadata.annotations" } }] } },
    { name: "istio-token", projected: { sources: [{ serviceAccountToken: { path: "istio-token", expirationSeconds: 43200, audience: "istio-ca" } }] } },
    { name: "istiod-ca-cert", configMap: { name: "istio-ca-root-cert" } },
    ...(current ? [{ name: "istio-ca-crl", configMap: { name: "istio-ca-crl", optional: true } }] : []),
  ];
  const existingInit = (spec["initContainers"] ?? []) as Obj[];
  if (i.nativeSidecar) {
    spec["initContainers"] = [initContainer, proxy, ...existingInit];
  } else {
    spec["initContainers"] = [...existingInit, initContainer];
    spec["containers"] = [...((spec["containers"] ?? []) as Obj[]), proxy];
  }
  spec["volumes"] = [...((spec["volumes"] ?? []) as Obj[]), ...volumes];
  if (!current) spec["securityContext"] = { ...(spec["securityContext"] ?? {}), fsGroup: 1337 };
  const status = {
    ...(current ? {} : { version: createHash("sha256").update(`istio-sidecar-injector-${i.tag}`).digest("hex") }),
    initContainers: i.nativeSidecar ? ["istio-init", "istio-proxy"] : ["istio-init"],
    containers: i.nativeSidecar ? null : ["istio-proxy"],
    volumes: volumes.map((v) => v["name"]),
    imagePullSecrets: null,
    ...(current ? { revision: i.revision || "default" } : {}),
  };
  if (current) {
    annotations["istio.io/rev"] = i.revision || "default";
    if (appContainers[0]) {
      annotations["kubectl.kubernetes.io/default-container"] ??= appContainers[0];
      annotations["kubectl.kubernetes.io/default-logs-container"] ??= appContainers[0];
    }
  }
  annotations["prometheus.io/path"] ??= "/stats/prometheus";
  annotations["prometheus.io/port"] ??= "15020";
  annotations["prometheus.io/scrape"] ??= "true";
  annotations["sidecar.istio.io/status"] = JSON.stringify(status);
};

/** The `gateway` injection template (inject.istio.io/templates: gateway, current releases): completes the pod's own
 * istio-proxy container (`image: auto`) into a `proxy router` with the template's env, probe and volumes; the pod's
 * fields win, env merges by name. */
export const injectGateway = (pod: KubeObject, i: InjectionInputs): void => {
  const { spec, labels, annotations, ns, owner, image, proxyMetadata, canonicalName, canonicalRevision } = templateContext(pod, i);
  labels["service.istio.io/canonical-name"] = canonicalName;
  labels["service.istio.io/canonical-revision"] = canonicalRevision;
  const containers = (spec["containers"] ?? []) as Obj[];
  const podProxy = containers.find((c) => c["name"] === "istio-proxy") ?? {};
  const podPorts = containers.flatMap((c) => ((c["ports"] ?? []) as Obj[]).map(portJson));
  const templateEnv: Obj[] = [
    { name: "PILOT_CERT_PROVIDER", value: "istiod" },
    { name: "CA_ADDR", value: `istiod.${i.istioNamespace}.svc:15012` },
    fieldRef("POD_NAME", "metadata.name"),
    fieldRef("POD_NAMESPACE", "metadata.namespace"),
    fieldRef("INSTANCE_IP", "status.podIP"),
    fieldRef("SERVICE_ACCOUNT", "spec.serviceAccountName"),
    fieldRef("HOST_IP", "status.hostIP"),
    { name: "ISTIO_CPU_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1" } } },
    { name: "PROXY_CONFIG", value: `${JSON.stringify({ ...i.proxyConfig, discoveryAddress: i.proxyConfig["discoveryAddress"] ?? `istiod.${i.istioNamespace}.svc:15012` })}\n` },
    { name: "ISTIO_META_POD_PORTS", value: `[\n${podPorts.join("\n,")}\n]` },
    { name: "GOMEMLIMIT", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1" } } },
    { name: "GOMAXPROCS", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1" } } },
    { name: "ISTIO_META_APP_CONTAINERS", value: containers.filter((c) => c["name"] !== "istio-proxy").map((c) => c["name"]).join(",") },
    { name: "ISTIO_META_CLUSTER_ID", value: i.clusterId || "Kubernetes" },
    fieldRef("ISTIO_META_NODE_NAME", "spec.nodeName"),
    { name: "ISTIO_META_INTERCEPTION_MODE", value: "REDIRECT" },
    ...(i.network ? [{ name: "ISTIO_META_NETWORK", value: i.network }] : []),
    ...(owner ? [{ name: "ISTIO_META_WORKLOAD_NAME", value: owner.name }, { name: "ISTIO_META_OWNER", value: `kubernetes://apis/${owner.apiVersion}/namespaces/${ns}/${owner.kind.toLowerCase()}s/${owner.name}` }] : []),
    { name: "ISTIO_META_MESH_ID", value: i.meshId || i.trustDomain },
    { name: "TRUST_DOMAIN", value: i.trustDomain },
    ...Object.entries(proxyMetadata).map(([name, value]) => ({ name, value })),
  ];
  const env = [...templateEnv];
  for (const e of (podProxy["env"] ?? []) as Obj[]) {
    const at = env.findIndex((x) => x["name"] === e["name"]);
    if (at >= 0) env[at] = e;
    else env.push(e);
  }
  const ports = [{ containerPort: 15090, protocol: "TCP", name: "http-envoy-prom" }, ...((podProxy["ports"] ?? []) as Obj[]).filter((p) => p["containerPort"] !== 15090)];
  const proxy: Obj = {
    name: "istio-proxy",
    args: ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"],
    readinessProbe: { httpGet: { path: "/healthz/ready", port: 15021 }, initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 },
    securityContext: { runAsUser: 1337, runAsGroup: 1337 },
    ...podProxy,
    image: !podProxy["image"] || podProxy["image"] === "auto" ? image : podProxy["image"],
    ports,
    env,
    volumeMounts: [
      ...((podProxy["volumeMounts"] ?? []) as Obj[]),
      { name: "workload-socket", mountPath: "/var/run/secrets/workload-spiffe-uds" },
      { name: "credential-socket", mountPath: "/var/run/secrets/credential-uds" },
      { name: "workload-certs", mountPath: "/var/run/secrets/workload-spiffe-credentials" },
      { mountPath: "/var/run/secrets/istio", name: "istiod-ca-cert" },
      { mountPath: "/var/lib/istio/data", name: "istio-data" },
      { mountPath: "/etc/istio/proxy", name: "istio-envoy" },
      { mountPath: "/var/run/secrets/tokens", name: "istio-token" },
      { name: "istio-podinfo", mountPath: "/etc/istio/pod" },
    ],
  };
  spec["containers"] = containers.some((c) => c["name"] === "istio-proxy") ? containers.map((c) => (c["name"] === "istio-proxy" ? proxy : c)) : [...containers, proxy];
  const volumes: Obj[] = [
    { name: "workload-socket", emptyDir: {} },
    { name: "credential-socket", emptyDir: {} },
    { name: "workload-certs", emptyDir: {} },
    { name: "istio-envoy", emptyDir: { medium: "Memory" } },
    { name: "istio-data", emptyDir: {} },
    { name: "istio-podinfo", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }, { path: "annotations", fieldRef: { fieldPath: "metadata.annotations" } }] } },
    { name: "istio-token", projected: { sources: [{ serviceAccountToken: { path: "istio-token", expirationSeconds: 43200, audience: "istio-ca" } }] } },
    { name: "istiod-ca-cert", configMap: { name: "istio-ca-root-cert" } },
  ];
  spec["volumes"] = [...((spec["volumes"] ?? []) as Obj[]), ...volumes];
  spec["securityContext"] = { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }], ...(spec["securityContext"] ?? {}) };
  annotations["istio.io/rev"] = i.revision || "default";
  annotations["sidecar.istio.io/status"] = JSON.stringify({ initContainers: null, containers: ["istio-proxy"], volumes: volumes.map((v) => v["name"]), imagePullSecrets: null, revision: i.revision || "default" });
};
