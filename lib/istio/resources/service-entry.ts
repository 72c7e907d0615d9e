// ServiceEntry: a service in Istio's registry (the course's MESH_INTERNAL entry for the VM, so Kiali draws it).
import type { IServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry";
import { ServiceEntry as ServiceEntryV1 } from "@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry";
import { ServiceEntry as ServiceEntryV1alpha3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/ServiceEntry";
import { ServiceEntry as ServiceEntryV1beta1 } from "@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry";
import { InputError } from "../../errors.js";
import { validateLabels, validateName, validateNamespace, validatePort } from "../../kube/names.js";
import { compact, featuresOf, type ForVersion, type Resource } from "./resource.js";
import { normalizeProtocol, validateAddress, validateHost, validateModel, validatePortName } from "./validate.js";

/** A ServiceEntry as plain JSON. */
export type ServiceEntryResource = Resource<"ServiceEntry", IServiceEntry["spec"]>;

/** One port of a ServiceEntry. */
export interface ServiceEntryPort {
  number: number;
  name: string;
  /** HTTP, HTTPS, GRPC, HTTP2, TCP, TLS… (case-insensitive). */
  protocol: string;
  targetPort?: number;
}

/** Options of serviceEntry. */
export interface ServiceEntryOptions {
  version: ForVersion;
  name: string;
  namespace: string;
  hosts: readonly string[];
  ports: readonly ServiceEntryPort[];
  location: "MESH_INTERNAL" | "MESH_EXTERNAL";
  resolution: "NONE" | "STATIC" | "DNS" | "DNS_ROUND_ROBIN";
  /** Selects WorkloadEntries and pods by label (instead of endpoints). */
  workloadSelector?: Record<string, string>;
  endpoints?: ReadonlyArray<{ address: string; ports?: Record<string, number>; labels?: Record<string, string> }>;
  apiVersion?: string;
}

const MODELS = {
  "networking.istio.io/v1alpha3": ServiceEntryV1alpha3,
  "networking.istio.io/v1beta1": ServiceEntryV1beta1,
  "networking.istio.io/v1": ServiceEntryV1,
} as const;

/** Builds a validated ServiceEntry; InputError (Portuguese) for bad hosts, ports, protocols or enums. */
export const serviceEntry = (options: ServiceEntryOptions): ServiceEntryResource => {
  const features = featuresOf(options.version);
  const apiVersion = options.apiVersion ?? features.apiVersions.serviceEntry;
  const Model = MODELS[apiVersion as keyof typeof MODELS];
  if (!Model) throw new InputError(`apiVersion "${apiVersion}" não serve ServiceEntry`, `use uma destas: ${Object.keys(MODELS).join(", ")}`, "apiVersion");
  validateName(options.name, "nome do ServiceEntry");
  validateNamespace(options.namespace);
  if (options.hosts.length === 0) throw new InputError("o ServiceEntry precisa de pelo menos um host", "passe hosts, por exemplo [\"pegasus-pay.legacy\"]", "hosts");
  for (const host of options.hosts) validateHost(host, "host do ServiceEntry");
  if (options.ports.length === 0) throw new InputError("o ServiceEntry precisa de pelo menos uma porta", "passe ports, por exemplo [{ number: 8000, name: \"http\", protocol: \"HTTP\" }]", "ports");
  const names = new Set<string>();
  const ports = options.ports.map((p) => {
    validatePort(p.number);
    validatePortName(p.name);
    if (names.has(p.name)) throw new InputError(`o nome de porta "${p.name}" aparece duas vezes`, "dê um nome diferente a cada porta", "ports");
    names.add(p.name);
    if (p.targetPort !== undefined) validatePort(p.targetPort, "targetPort");
    return { number: p.number, name: p.name, protocol: normalizeProtocol(p.protocol), targetPort: p.targetPort };
  });
  if (options.workloadSelector) validateLabels(options.workloadSelector, "seletor");
  if (options.workloadSelector && options.endpoints?.length) {
    throw new InputError("workloadSelector e endpoints ao mesmo tempo", "use um dos dois: o seletor encontra WorkloadEntries; endpoints lista endereços", "workloadSelector");
  }
  for (const e of options.endpoints ?? []) {
    validateAddress(e.address, "endereço do endpoint");
    if (e.labels) validateLabels(e.labels);
  }
  const resource: ServiceEntryResource = compact({
    apiVersion,
    kind: "ServiceEntry" as const,
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      hosts: [...options.hosts],
      location: options.location,
      ports,
      resolution: options.resolution,
      workloadSelector: options.workloadSelector ? { labels: { ...options.workloadSelector } } : undefined,
      endpoints: options.endpoints?.map((e) => ({ ...e })),
    },
  });
  validateModel({ model: new Model(resource as never), what: "ServiceEntry" });
  return resource;
};
