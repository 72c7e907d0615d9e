// WorkloadGroup: the template istiod uses for the VM's WorkloadEntries (what `istioctl x workload group create`
// prints), typed and validated for the Istio release in use.
import type { IWorkloadGroup } from "@kubernetes-models/istio/networking.istio.io/v1/WorkloadGroup";
import { WorkloadGroup as WorkloadGroupV1 } from "@kubernetes-models/istio/networking.istio.io/v1/WorkloadGroup";
import { WorkloadGroup as WorkloadGroupV1alpha3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/WorkloadGroup";
import { WorkloadGroup as WorkloadGroupV1beta1 } from "@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadGroup";
import { InputError } from "../../errors.js";
import { validateLabels, validateName, validateNamespace, validatePort } from "../../kube/names.js";
import { compact, featuresOf, type ForVersion, type Resource } from "./resource.js";
import { validateModel, validatePortName } from "./validate.js";

/** A WorkloadGroup as plain JSON. */
export type WorkloadGroupResource = Resource<"WorkloadGroup", IWorkloadGroup["spec"]>;

/** Options of workloadGroup. */
export interface WorkloadGroupOptions {
  version: ForVersion;
  name: string;
  namespace: string;
  /** Labels every WorkloadEntry of the group gets (the Service selects on them), e.g. { app: "pegasus-pay" }. */
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** Named ports of the workload (cluster.env's ISTIO_INBOUND_PORTS), e.g. { http: 8000 }. */
  ports?: Record<string, number>;
  /** The VM's identity (default "default", like istioctl). */
  serviceAccount?: string;
  /** The VM's network (multi-network meshes only). */
  network?: string;
  /** Readiness probe for health checks (Istio 1.9+). */
  probe?: NonNullable<IWorkloadGroup["spec"]["probe"]>;
  /** Override the apiVersion (default: the one the release serves for the runbook, see versions.ts). */
  apiVersion?: string;
}

const MODELS = {
  "networking.istio.io/v1alpha3": WorkloadGroupV1alpha3,
  "networking.istio.io/v1beta1": WorkloadGroupV1beta1,
  "networking.istio.io/v1": WorkloadGroupV1,
} as const;

/** Builds a validated WorkloadGroup; InputError (Portuguese) for bad names, labels, ports or a probe the release lacks. */
export const workloadGroup = (options: WorkloadGroupOptions): WorkloadGroupResource => {
  const features = featuresOf(options.version);
  const apiVersion = options.apiVersion ?? features.apiVersions.workloadGroup;
  const Model = MODELS[apiVersion as keyof typeof MODELS];
  if (!Model) throw new InputError(`apiVersion "${apiVersion}" não serve WorkloadGroup`, `use uma destas: ${Object.keys(MODELS).join(", ")}`, "apiVersion");
  validateName(options.name, "nome do WorkloadGroup");
  validateNamespace(options.namespace);
  if (Object.keys(options.labels).length === 0) {
    throw new InputError("o WorkloadGroup precisa de pelo menos um rótulo", "passe labels, por exemplo { app: \"pegasus-pay\" }: é por eles que o Service encontra a VM", "labels");
  }
  validateLabels(options.labels);
  if (options.annotations) validateLabels(Object.fromEntries(Object.keys(options.annotations).map((k) => [k, "x"])), "anotação");
  for (const [name, port] of Object.entries(options.ports ?? {})) {
    validatePortName(name);
    validatePort(port, `porta ${name}`);
  }
  if (options.serviceAccount !== undefined) validateName(options.serviceAccount, "conta de serviço");
  if (options.probe && features.healthChecks === "absent") {
    throw new InputError(`o Istio ${features.version.text} não tem verificações de saúde de VMs (probe)`, "remova probe ou use o Istio 1.9 ou mais novo", "probe");
  }
  const resource: WorkloadGroupResource = compact({
    apiVersion,
    kind: "WorkloadGroup" as const,
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      metadata: { labels: { ...options.labels }, annotations: options.annotations ? { ...options.annotations } : undefined },
      template: { ports: options.ports ? { ...options.ports } : undefined, serviceAccount: options.serviceAccount ?? "default", network: options.network || undefined },
      probe: options.probe,
    },
  });
  validateModel({ model: new Model(resource as never), what: "WorkloadGroup" });
  return resource;
};
