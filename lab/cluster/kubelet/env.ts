// A container's environment as the kubelet builds it: Service links, KUBERNETES_SERVICE_*, envFrom, env with value,
// fieldRef, resourceFieldRef, configMapKeyRef and secretKeyRef, and $(VAR) expansion (also for command and args).
import type { KubeObject } from "../contracts.js";

/** Thrown when the environment cannot be built (the container waits in CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = "ContainerConfigError";
}

/** What building an environment needs to read from the cluster. */
export interface EnvSources {
  /** Services of the pod's namespace (for Service links) and the `kubernetes` Service of `default`. */
  services: KubeObject[];
  masterService?: KubeObject;
  configMap(namespace: string, name: string): Promise<KubeObject | undefined>;
  secret(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The node's allocatable CPU cores and memory bytes (resourceFieldRef without limits). */
  node: { cpu: number; memoryBytes: number };
}

/** Expands $(VAR) references from `env` the way Kubernetes does ($$ escapes, unknown references stay as written). */
export const expandVars = (text: string, env: ReadonlyMap<string, string>): string =>
  text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name?: string) => (name === undefined ? "$" : env.get(name) ?? whole));

const serviceEnvName = (name: string) => name.toUpperCase().replaceAll("-", "_");

/** The Docker-link style variables of one Service (FOO_SERVICE_HOST, FOO_PORT_8000_TCP, …). */
export const serviceLinkEnv = (svc: KubeObject): Array<[string, string]> => {
  const ip = svc.spec?.clusterIP;
  if (!ip || ip === "None" || svc.spec?.type === "ExternalName") return [];
  const ports: any[] = svc.spec?.ports ?? [];
  if (!ports.length) return [];
  const n = serviceEnvName(svc.metadata.name);
  const out: Array<[string, string]> = [[`${n}_SERVICE_HOST`, ip], [`${n}_SERVICE_PORT`, String(ports[0].port)]];
  for (const p of ports) if (p.name) out.push([`${n}_SERVICE_PORT_${serviceEnvName(p.name)}`, String(p.port)]);
  const first = ports[0];
  out.push([`${n}_PORT`, `${String(first.protocol ?? "TCP").toLowerCase()}://${ip}:${first.port}`]);
  for (const p of ports) {
    const proto = String(p.protocol ?? "TCP");
    const prefix = `${n}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([prefix, `${proto.toLowerCase()}://${ip}:${p.port}`], [`${prefix}_PROTO`, proto.toLowerCase()], [`${prefix}_PORT`, String(p.port)], [`${prefix}_ADDR`, ip]);
  }
  return out;
};

const parseQuantity = (q: unknown): number | undefined => {
  if (q === undefined || q === null) return undefined;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return undefined;
  const v = Number(m[1]);
  const mult: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return mult[m[2]!] === undefined ? undefined : v * mult[m[2]!]!;
};

/** Value of a resourceFieldRef (limits.cpu, requests.memory, …): rounded up in units of `divisor`, node allocatable
 * when a limit is not set. */
export const resourceFieldValue = (container: any, ref: { resource: string; divisor?: string }, node: EnvSources["node"]): string => {
  const [kind, res] = ref.resource.split(".") as [string, string];
  let value = parseQuantity(container.resources?.[kind]?.[res]);
  if (value === undefined) value = kind === "limits" ? (res === "cpu" ? node.cpu : node.memoryBytes) : res === "cpu" ? 0 : 0;
  const divisor = parseQuantity(ref.divisor ?? "1") || 1;
  return String(Math.ceil(value / divisor));
};

const fieldValue = (pod: KubeObject, fieldPath: string): string => {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) return (pod.metadata as any)[labelOrAnnotation[1]!]?.[labelOrAnnotation[2]!] ?? "";
  switch (fieldPath) {
    case "metadata.name":
      return pod.metadata.name;
    case "metadata.namespace":
      return pod.metadata.namespace ?? "default";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "metadata.labels":
      return Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => `${k}="${v}"`).join("\n");
    case "metadata.annotations":
      return Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => `${k}="${v}"`).join("\n");
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "default";
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.podIPs":
      return (pod.status?.podIPs ?? []).map((p: any) => p.ip).join(",");
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    case "status.hostIPs":
      return (pod.status?.hostIPs ?? []).map((p: any) => p.ip).join(",");
    default:
      throw new ContainerConfigError(`unsupported fieldPath "${fieldPath}"`);
  }
};

const keyOf = async (
  kind: "configmap" | "secret",
  get: (ns: string, name: string) => Promise<KubeObject | undefined>,
  namespace: string,
  ref: { name: string; key: string; optional?: boolean },
): Promise<string | undefined> => {
  const o = await get(namespace, ref.name);
  if (!o) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${kind} "${ref.name}" not found`);
  }
  const data: Record<string, string> = (o as any).data ?? {};
  if (!(ref.key in data)) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind === "configmap" ? "ConfigMap" : "Secret"} ${namespace}/${ref.name}`);
  }
  return kind === "secret" ? Buffer.from(data[ref.key]!, "base64").toString("utf8") : data[ref.key];
};

/** Builds the environment of `container` of `pod` (in the order the kubelet does: service links, envFrom, env). */
export const buildContainerEnv = async (pod: KubeObject, container: any, sources: EnvSources, imageEnv: Readonly<Record<string, string>> = {}): Promise<Map<string, string>> => {
  const namespace = pod.metadata.namespace ?? "default";
  const env = new Map<string, string>(Object.entries(imageEnv));
  const links = new Map<string, string>();
  if (pod.spec?.enableServiceLinks !== false) {
    for (const svc of sources.services) for (const [k, v] of serviceLinkEnv(svc)) links.set(k, v);
  }
  if (sources.masterService) for (const [k, v] of serviceLinkEnv(sources.masterService)) if (k.startsWith("KUBERNETES_")) links.set(k, v);
  for (const [k, v] of links) env.set(k, v);
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    const ref = from.configMapRef ?? from.secretRef;
    const isSecret = Boolean(from.secretRef);
    const o = await (isSecret ? sources.secret : sources.configMap)(namespace, ref.name);
    if (!o) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${isSecret ? "secret" : "configmap"} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries<string>((o as any).data ?? {})) env.set(`${prefix}${k}`, isSecret ? Buffer.from(v, "base64").toString("utf8") : v);
  }
  for (const e of container.env ?? []) {
    let value: string | undefined;
    if (e.valueFrom?.fieldRef) value = fieldValue(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.resourceFieldRef) value = resourceFieldValue(container, e.valueFrom.resourceFieldRef, sources.node);
    else if (e.valueFrom?.configMapKeyRef) value = await keyOf("configmap", sources.configMap, namespace, e.valueFrom.configMapKeyRef);
    else if (e.valueFrom?.secretKeyRef) value = await keyOf("secret", sources.secret, namespace, e.valueFrom.secretKeyRef);
    else value = expandVars(String(e.value ?? ""), env);
    if (value !== undefined) env.set(e.name, value);
  }
  return env;
};
