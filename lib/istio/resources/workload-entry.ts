// WorkloadEntry: the VM registered by hand (what auto-registration would create), typed and validated.
import type { IWorkloadEntry } from "@kubernetes-models/istio/networking.istio.io/v1/WorkloadEntry";
import { WorkloadEntry as WorkloadEntryV1 } from "@kubernetes-models/istio/networking.istio.io/v1/WorkloadEntry";
import { WorkloadEntry as WorkloadEntryV1alpha3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/WorkloadEntry";
import { WorkloadEntry as WorkloadEntryV1beta1 } from "@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadEntry";
import { InputError } from "../../errors.js";
import { validateLabels, validateName, validateNamespace, validatePort } from "../../kube/names.js";
import { compact, featuresOf, type ForVersion, type Resource } from "./resource.js";
import { validateAddress, validateModel, validatePortName } from "./validate.js";

/** A WorkloadEntry as plain JSON. */
export type WorkloadEntryResource = Resource<"WorkloadEntry", IWorkloadEntry["spec"]>;

/** Options of workloadEntry. */
export interface WorkloadEntryOptions {
  version: ForVersion;
  name: string;
  namespace: string;
  /** The address the cluster reaches the VM at (VM_ADDRESS). */
  address: string;
  labels: Record<string, string>;
  /** Must be the WorkloadGroup's service account: clients check the VM's certificate against it. */
  serviceAccount: string;
  ports?: Record<string, number>;
  network?: string;
  weight?: number;
  apiVersion?: string;
}

const MODELS = {
  "networking.istio.io/v1alpha3": WorkloadEntryV1alpha3,
  "networking.istio.io/v1beta1": WorkloadEntryV1beta1,
  "networking.istio.io/v1": WorkloadEntryV1,
} as const;

/** Builds a validated WorkloadEntry; InputError (Portuguese) for a bad name, address, label, port or weight. */
export const workloadEntry = (options: WorkloadEntryOptions): WorkloadEntryResource => {
  const features = featuresOf(options.version);
  const apiVersion = options.apiVersion ?? features.apiVersions.workloadEntry;
  const Model = MODELS[apiVersion as keyof typeof MODELS];
  if (!Model) throw new InputError(`apiVersion "${apiVersion}" não serve WorkloadEntry`, `use uma destas: ${Object.keys(MODELS).join(", ")}`, "apiVersion");
  validateName(options.name, "nome do WorkloadEntry");
  validateNamespace(options.namespace);
  validateAddress(options.address, "endereço do WorkloadEntry");
  validateLabels(options.labels);
  validateName(options.serviceAccount, "conta de serviço");
  for (const [name, port] of Object.entries(options.ports ?? {})) {
    validatePortName(name);
    validatePort(port, `porta ${name}`);
  }
  if (options.weight !== undefined && (!Number.isInteger(options.weight) || options.weight < 0 || options.weight > 4294967295)) {
    throw new InputError(`peso ${String(options.weight)} inválido`, "use um inteiro não negativo (o padrão é 1)", "weight");
  }
  const resource: WorkloadEntryResource = compact({
    apiVersion,
    kind: "WorkloadEntry" as const,
    metadata: { name: options.name, namespace: options.namespace },
    spec: { address: options.address, labels: { ...options.labels }, serviceAccount: options.serviceAccount, ports: options.ports, network: options.network || undefined, weight: options.weight },
  });
  validateModel({ model: new Model(resource as never), what: "WorkloadEntry" });
  return resource;
};
