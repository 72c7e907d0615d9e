// Structured checks over Kubernetes objects: the VM's WorkloadEntry, a Service's external address and ports.
import { InputError } from "../../errors.js";
import { objectRef, type KubeObject } from "../../parse/kube-json.js";
import type { Expectation, Verdict } from "../expectation.js";
import { kubeObjectsFrom, type KubeReceived } from "./received.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Expects a WorkloadEntry in `namespace` whose spec.address is `address` (and, if given, this serviceAccount and labels). */
export const workloadEntryExists = (options: { namespace: string; address: string; serviceAccount?: string; labels?: Record<string, string> }): Expectation<KubeReceived> => {
  const { namespace, address, serviceAccount, labels } = options;
  if (!namespace) throw new InputError("workloadEntryExists: namespace vazio", "passe o namespace da VM (VM_NAMESPACE)", "namespace");
  if (!address) throw new InputError("workloadEntryExists: address vazio", "passe o endereço esperado da VM (VM_ADDRESS)", "address");
  const expected =
    `uma WorkloadEntry no namespace ${namespace} com address ${address}` +
    (serviceAccount !== undefined ? `, serviceAccount ${serviceAccount}` : "") +
    (labels !== undefined ? `, rótulos ${formatLabels(labels)}` : "");
  return {
    kind: "workload-entry",
    expected,
    spec: { ...options },
    evaluate: (received): Verdict => {
      const entries = kubeObjectsFrom(received).filter((o) => (o.kind === undefined || o.kind === "WorkloadEntry") && (o.metadata?.namespace ?? namespace) === namespace);
      const describe = entries.length ? entries.map(describeEntry).join("\n") : `nenhuma WorkloadEntry no namespace ${namespace}`;
      // Several entries may share the VM's address (a manual one, another app on the same VM): prefer the one that
      // also has the expected labels and service account, so that the verdict is about the entry that matters.
      const atAddress = entries.filter((e) => str(obj(e.spec)["address"]) === address);
      const score = (e: KubeObject): number =>
        Object.entries(labels ?? {}).filter(([k, v]) => obj(obj(e.spec)["labels"])[k] === v).length + (serviceAccount !== undefined && obj(e.spec)["serviceAccount"] === serviceAccount ? 1 : 0);
      const hit = atAddress.sort((a, b) => score(b) - score(a))[0];
      if (!hit) {
        const others = entries.map((e) => str(obj(e.spec)["address"])).filter(Boolean);
        return { ok: false, expected, received: describe, detail: others.length ? `há WorkloadEntry com outro endereço (${others.join(", ")}), nenhuma com ${address}` : `nenhuma WorkloadEntry no namespace ${namespace}` };
      }
      const spec = obj(hit.spec);
      const data = { name: hit.metadata?.name, address, serviceAccount: str(spec["serviceAccount"]), labels: obj(spec["labels"]) };
      if (serviceAccount !== undefined && spec["serviceAccount"] !== serviceAccount) {
        return { ok: false, expected, received: describe, detail: `${objectRef(hit)} tem serviceAccount «${str(spec["serviceAccount"]) ?? "(vazio)"}», esperado «${serviceAccount}»`, data, diagnoseContext: { workloadEntryServiceAccount: str(spec["serviceAccount"]) ?? "" } };
      }
      const missing = Object.entries(labels ?? {}).filter(([k, v]) => obj(spec["labels"])[k] !== v);
      if (missing.length) return { ok: false, expected, received: describe, detail: `${objectRef(hit)} não tem os rótulos ${missing.map(([k, v]) => `${k}=${v}`).join(", ")}`, data };
      return { ok: true, expected, received: describe, data };
    },
  };
};

const formatLabels = (labels: Record<string, unknown>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(",") || "(nenhum)";

const describeEntry = (e: KubeObject): string => {
  const spec = obj(e.spec);
  return `${objectRef(e)} address=${str(spec["address"]) ?? "(vazio)"} serviceAccount=${str(spec["serviceAccount"]) ?? "(vazio)"} rótulos=${formatLabels(obj(spec["labels"]))}`;
};

/** The one Service in a received value (a Service, or a list holding exactly one). */
const theService = (received: KubeReceived): KubeObject => {
  const services = kubeObjectsFrom(received).filter((o) => o.kind === undefined || o.kind === "Service");
  if (services.length !== 1) throw new Error(`esperado um Service, recebidos ${services.length}`);
  return services[0]!;
};

/** The external address of a Service: LoadBalancer ingress IP/hostname, or spec.externalIPs. */
export const externalAddressOf = (service: KubeObject): { ip?: string; hostname?: string } => {
  const ingress = (obj(obj(service.status)["loadBalancer"])["ingress"] as unknown[] | undefined) ?? [];
  for (const entry of ingress) {
    const e = obj(entry);
    if (str(e["ip"])) return { ip: str(e["ip"])! };
  }
  const externalIPs = obj(service.spec)["externalIPs"];
  if (Array.isArray(externalIPs) && typeof externalIPs[0] === "string") return { ip: externalIPs[0] };
  for (const entry of ingress) {
    const e = obj(entry);
    if (str(e["hostname"])) return { hostname: str(e["hostname"])! };
  }
  return {};
};

/** Expects a Service with an external IP (a LoadBalancer's, or spec.externalIPs); `allowHostname` accepts a DNS name. */
export const serviceHasExternalIp = (options: { allowHostname?: boolean } = {}): Expectation<KubeReceived> => {
  const expected = options.allowHostname ? "um endereço externo (IP ou nome) no Service" : "um IP externo no Service (EXTERNAL-IP preenchido)";
  return {
    kind: "external-ip",
    expected,
    spec: { ...options },
    evaluate: (received): Verdict => {
      const service = theService(received);
      const type = str(obj(service.spec)["type"]) ?? "ClusterIP";
      const address = externalAddressOf(service);
      const shown = `${objectRef(service)} tipo ${type}, EXTERNAL-IP ${address.ip ?? address.hostname ?? (type === "LoadBalancer" ? "<pending>" : "<none>")}`;
      if (address.ip) return { ok: true, expected, received: shown, data: { address: address.ip } };
      if (address.hostname && options.allowHostname) return { ok: true, expected, received: shown, data: { hostname: address.hostname } };
      const detail = address.hostname
        ? "o balanceador só tem nome DNS, sem IP (o arquivo hosts da VM precisa de um IP: gere os arquivos com --ingressIP)"
        : type === "LoadBalancer"
          ? "o balanceador ainda não recebeu endereço (<pending>)"
          : `o Service é do tipo ${type}, sem endereço externo`;
      return { ok: false, expected, received: shown, detail, ...(address.hostname ? { data: { hostname: address.hostname } } : {}) };
    },
  };
};

/** One expected Service port. */
export interface ExpectedPort {
  port: number;
  name?: string;
  targetPort?: number | string;
  protocol?: string;
}

/** Expects a Service to expose these ports (only the fields given are compared). */
export const servicePorts = (options: { ports: readonly ExpectedPort[] }): Expectation<KubeReceived> => {
  if (!options.ports?.length) throw new InputError("servicePorts: nenhuma porta esperada", "passe ports: [{ port: 15012 }, …]", "ports");
  const expected = `as portas ${options.ports.map(formatExpectedPort).join(", ")}`;
  return {
    kind: "service-ports",
    expected,
    spec: { ports: options.ports.map((p) => ({ ...p })) },
    evaluate: (received): Verdict => {
      const service = theService(received);
      const ports = ((obj(service.spec)["ports"] as unknown[] | undefined) ?? []).map(obj);
      const shown = `${objectRef(service)}: ${ports.length ? ports.map((p) => `${String(p["port"])}/${str(p["protocol"]) ?? "TCP"}${p["name"] ? ` (${String(p["name"])})` : ""}${p["targetPort"] !== undefined && p["targetPort"] !== p["port"] ? ` → ${String(p["targetPort"])}` : ""}`).join(", ") : "(sem portas)"}`;
      const problems: string[] = [];
      for (const want of options.ports) {
        const got = ports.find((p) => p["port"] === want.port);
        if (!got) {
          problems.push(`falta a porta ${want.port}`);
          continue;
        }
        if (want.name !== undefined && got["name"] !== want.name) problems.push(`a porta ${want.port} se chama «${String(got["name"] ?? "")}», esperado «${want.name}»`);
        if (want.protocol !== undefined && (str(got["protocol"]) ?? "TCP") !== want.protocol) problems.push(`a porta ${want.port} usa ${str(got["protocol"]) ?? "TCP"}, esperado ${want.protocol}`);
        if (want.targetPort !== undefined && (got["targetPort"] ?? got["port"]) !== want.targetPort) problems.push(`a porta ${want.port} aponta para ${String(got["targetPort"])}, esperado ${String(want.targetPort)}`);
      }
      return { ok: problems.length === 0, expected, received: shown, ...(problems.length ? { detail: problems.join("; ") } : {}), data: { ports: ports.map((p) => p["port"]) } };
    },
  };
};

const formatExpectedPort = (p: ExpectedPort): string =>
  `${p.port}/${p.protocol ?? "TCP"}${p.name ? ` (${p.name})` : ""}${p.targetPort !== undefined ? ` → ${String(p.targetPort)}` : ""}`;
