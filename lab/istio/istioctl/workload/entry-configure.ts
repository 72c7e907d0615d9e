// `istioctl x workload entry configure`: from a WorkloadGroup (file, or --name/-n from the API) and the cluster, the
// files a VM needs — mesh.yaml, cluster.env, root-cert.pem, istio-token (TokenRequest, audience istio-ca) and hosts —
// in the output folder with mode 0744, with the release's messages and error texts, in istioctl's order.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import yaml from "js-yaml";
import type { ReleaseFacts } from "../../release/versions.js";
import { CommandError, type Io } from "../cli/command.js";
import { KubeApiError, type KubeClient, type KubeObj } from "../kube/client.js";
import { objectPath, resourceKind } from "../kube/resources.js";
import { goYamlMarshal, type YamlValue } from "../yaml/go-yaml.js";
import { clusterEnvText } from "./cluster-env.js";
import { vmProxyConfig, type WorkloadGroupDoc } from "./proxy-config.js";

/** The command's inputs after flag parsing. */
export interface EntryConfigureInput {
  facts: ReleaseFacts;
  connect: () => Promise<KubeClient>;
  io: Io;
  file: string;
  name: string;
  namespace: string;
  output: string;
  /** --clusterID (its value, and whether it was given). */
  clusterID: string;
  clusterIDChanged: boolean;
  istioNamespace: string;
  revision: string;
  tokenDuration: number;
  ingressIP: string;
  ingressService: string;
  internalIP: string;
  externalIP: string;
  autoRegister: boolean;
  dnsCapture: boolean;
}

const FILE_MODE = 0o744;
type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const strings = (v: unknown): Record<string, string> => (isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {});

/** A WorkloadGroup object (file or API) with istioctl's defaults. */
const toDoc = (obj: Obj): WorkloadGroupDoc => {
  const spec = isObj(obj["spec"]) ? obj["spec"] : {};
  const meta = isObj(spec["metadata"]) ? spec["metadata"] : {};
  const template = isObj(spec["template"]) ? spec["template"] : {};
  return {
    name: String(obj["metadata"]?.["name"] ?? ""),
    namespace: String(obj["metadata"]?.["namespace"] ?? ""),
    annotations: strings(obj["metadata"]?.["annotations"]),
    metadataLabels: strings(meta["labels"]),
    metadataAnnotations: strings(meta["annotations"]),
    template: {
      ports: isObj(template["ports"]) ? Object.fromEntries(Object.entries(template["ports"]).map(([k, v]) => [k, Number(v)])) : {},
      labels: strings(template["labels"]),
      serviceAccount: typeof template["serviceAccount"] === "string" && template["serviceAccount"] ? template["serviceAccount"] : "default",
      network: typeof template["network"] === "string" ? template["network"] : "",
    },
    ...(isObj(spec["probe"]) ? { probe: spec["probe"] } : {}),
  };
};

/** Go's error text of a failed file operation ("open x: no such file or directory"). */
const osError = (op: string, file: string, error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  const text = { ENOENT: "no such file or directory", ENOTDIR: "not a directory", EACCES: "permission denied", EISDIR: "is a directory", EEXIST: "file exists", EROFS: "read-only file system" }[code ?? ""] ?? (error as Error).message;
  return `${op} ${file}: ${text}`;
};

/** Reads the WorkloadGroup file (YAML). */
const readWorkloadGroup = async (file: string): Promise<WorkloadGroupDoc> => {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CommandError(osError("open", file, error));
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    throw new CommandError(`error converting YAML to JSON: yaml: ${(error as Error).message.split("\n")[0]}`);
  }
  return toDoc(isObj(parsed) ? parsed : {});
};

/** Writes one output file (0744 when created). */
const writeOut = async (dir: string, name: string, text: string): Promise<string> => {
  const file = path.join(dir, name);
  try {
    await writeFile(file, text, { mode: FILE_MODE });
  } catch (error) {
    throw new CommandError(osError("open", file, error));
  }
  return file;
};

const isRevisioned = (revision: string): boolean => revision !== "" && revision !== "default";

/** The istiod host a revision answers on. */
const istiodHost = (ns: string, revision: string): string => `istiod${isRevisioned(revision) ? `-${revision}` : ""}.${ns}.svc`;

/** Reads a ConfigMap; undefined when missing. */
const configMap = async (client: KubeClient, name: string, namespace: string): Promise<KubeObj> => client.request("GET", objectPath(resourceKind("ConfigMap"), name, namespace));

/** The cluster ID current releases read from the injector ConfigMap's values (global.multiCluster.clusterName). */
const clusterIdFromInjector = async (client: KubeClient, ns: string, revision: string): Promise<string> => {
  const name = `istio-sidecar-injector${isRevisioned(revision) ? `-${revision}` : ""}`;
  let cm: KubeObj;
  try {
    cm = await configMap(client, name, ns);
  } catch (error) {
    if (error instanceof KubeApiError) throw new CommandError(`failed to automatically determine the --clusterID: fetch injection template: ${error.message}`);
    throw error;
  }
  let values: Obj;
  try {
    values = JSON.parse(String(cm["data"]?.["values"] ?? "")) as Obj;
  } catch (error) {
    throw new CommandError(`failed to automatically determine the --clusterID: ${(error as Error).message}`);
  }
  const name_ = values["global"]?.["multiCluster"]?.["clusterName"];
  return typeof name_ === "string" ? name_ : "";
};

/** The address for the hosts file: --ingressIP, else the gateway Service's LoadBalancer IP or first external IP. */
const ingressAddress = async (client: KubeClient, input: EntryConfigureInput): Promise<string> => {
  if (isIP(input.ingressIP) !== 0) return input.ingressIP;
  const parts = input.ingressService.split(".");
  const [svc, ns] = parts.length === 2 ? [parts[0]!, parts[1]!] : [input.ingressService, input.istioNamespace];
  const service = await client.getOptional(objectPath(resourceKind("Service"), svc, ns)).catch(() => undefined);
  if (!service) return input.ingressIP;
  const ingress = (service["status"]?.["loadBalancer"]?.["ingress"] ?? []) as Obj[];
  if (ingress.length) return String(ingress[0]!["ip"] ?? "");
  const external = (service["spec"]?.["externalIPs"] ?? []) as string[];
  return external.length ? external[0]! : input.ingressIP;
};

/** Istio's log line format (stdout): `2006-01-02T15:04:05.000000Z\twarn\tmessage`. */
const warnLine = (message: string): string => `${new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z")}\twarn\t${message}\n`;

/** Runs the command. */
export const entryConfigure = async (input: EntryConfigureInput): Promise<void> => {
  const { facts, io } = input;
  const client = await input.connect();
  let wg: WorkloadGroupDoc;
  if (input.file) wg = await readWorkloadGroup(input.file);
  else {
    const version = facts.workloadGroupApiVersion.split("/")[1]!;
    try {
      wg = toDoc(await client.request("GET", objectPath(resourceKind("WorkloadGroup", version), input.name, input.namespace)));
    } catch (error) {
      if (error instanceof KubeApiError) throw new CommandError(`workloadgroup ${input.name} not found in namespace ${input.namespace}: ${error.message}`);
      throw error;
    }
  }
  let clusterID = input.clusterID;
  if (facts.clusterIdFromInjector && !input.clusterIDChanged) {
    const fromCluster = await clusterIdFromInjector(client, input.istioNamespace, input.revision);
    if (fromCluster) clusterID = fromCluster;
  }
  const dir = input.output;
  try {
    await mkdir(dir, { recursive: true, mode: FILE_MODE });
  } catch (error) {
    throw new CommandError(osError("mkdir", dir, error));
  }
  // mesh.yaml
  const meshName = `istio${isRevisioned(input.revision) ? `-${input.revision}` : ""}`;
  let mesh: Obj;
  try {
    const cm = await configMap(client, meshName, input.istioNamespace);
    mesh = (yaml.load(String(cm["data"]?.["mesh"] ?? "")) ?? {}) as Obj;
  } catch (error) {
    if (error instanceof KubeApiError) throw new CommandError(`configmap ${meshName} was not found in namespace ${input.istioNamespace}: ${error.message}`);
    throw error;
  }
  if (isRevisioned(input.revision) && facts.version.minor >= 21) {
    mesh["defaultConfig"] = { ...(isObj(mesh["defaultConfig"]) ? mesh["defaultConfig"] : {}) };
    mesh["defaultConfig"]["discoveryAddress"] ||= `${istiodHost(input.istioNamespace, input.revision)}:15012`;
  }
  const proxyConfig = vmProxyConfig(wg, { facts, mesh, clusterID, dnsCapture: input.dnsCapture, autoRegister: input.autoRegister, print: io.stdout });
  await writeOut(dir, "mesh.yaml", goYamlMarshal({ defaultConfig: proxyConfig as YamlValue }, { width: facts.yamlWidth }));
  // cluster.env
  const ports = Object.keys(wg.template.ports).sort().map((k) => String(wg.template.ports[k]));
  const statusPort = Number(proxyConfig["statusPort"] ?? 0);
  const overrides: Record<string, string> = {
    ISTIO_INBOUND_PORTS: ports.length ? ports.join(",") : "*",
    ISTIO_NAMESPACE: wg.namespace,
    ISTIO_SERVICE: `${wg.name}.${wg.namespace}`,
    ISTIO_SERVICE_CIDR: "*",
    ...(facts.clusterEnvExcludePorts ? { ISTIO_LOCAL_EXCLUDE_PORTS: `22,15090,15021${statusPort !== 15090 && statusPort !== 15021 ? `,${statusPort || 15020}` : ""}` } : {}),
    SERVICE_ACCOUNT: wg.template.serviceAccount,
    ...(facts.version.minor >= 21 && isRevisioned(input.revision) ? { CA_ADDR: `${istiodHost(input.istioNamespace, input.revision)}:15012` } : {}),
    ...(input.internalIP ? { ISTIO_SVC_IP: input.internalIP } : input.externalIP ? { ISTIO_SVC_IP: input.externalIP, REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION: "true" } : {}),
  };
  await writeOut(dir, "cluster.env", clusterEnvText({ ...(proxyConfig["proxyMetadata"] as Record<string, string>), ...overrides }));
  // root-cert.pem and istio-token
  let rootCert: KubeObj;
  try {
    rootCert = await configMap(client, "istio-ca-root-cert", wg.namespace);
  } catch (error) {
    if (error instanceof KubeApiError) throw new CommandError(`configmap istio-ca-root-cert was not found in namespace ${wg.namespace}: ${error.message}`);
    throw error;
  }
  await writeOut(dir, "root-cert.pem", String(rootCert["data"]?.["root-cert.pem"] ?? ""));
  const sa = wg.template.serviceAccount;
  let token: string;
  try {
    const answer = await client.request("POST", `${objectPath(resourceKind("ServiceAccount"), sa, wg.namespace)}/token`, {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata: { name: sa, namespace: wg.namespace }, spec: { audiences: ["istio-ca"], expirationSeconds: input.tokenDuration } },
    });
    token = String(answer["status"]?.["token"] ?? "");
  } catch (error) {
    if (error instanceof KubeApiError) throw new CommandError(`could not create a token under service account ${sa} in namespace ${wg.namespace}: ${error.message}`);
    throw error;
  }
  const tokenPath = await writeOut(dir, "istio-token", token);
  if (facts.entryMessages === "1.8") io.stdout(`warning: a security token for namespace ${wg.namespace} and service account ${sa} has been generated and stored at ${tokenPath}\n`);
  else io.stderr(`Warning: a security token for namespace ${JSON.stringify(wg.namespace)} and service account ${JSON.stringify(sa)} has been generated and stored at ${JSON.stringify(tokenPath)}\n`);
  // hosts
  const ip = await ingressAddress(client, input);
  const host = istiodHost(input.istioNamespace, input.revision);
  let hosts = "";
  if (facts.entryMessages === "1.8") hosts = ip ? `${ip} ${host}\n` : "";
  else if (isIP(ip) !== 0) hosts = `${ip} ${host}\n`;
  else io.stdout(warnLine(`Could not auto-detect IP for ${host}/${input.istioNamespace}. Use --ingressIP to manually specify the Gateway address to reach istiod from the VM.`));
  await writeOut(dir, "hosts", hosts);
  io.stdout(facts.entryMessages === "1.8" ? `configuration generation into directory ${dir} was successful\n` : `Configuration generation into directory ${dir} was successful\n`);
};

