// IstioOperator snippets for `istioctl install -f`: VM auto-registration (the course's --set, as a file) and the
// current docs' vm-cluster.yaml (mesh ID, cluster name, network).
import { IstioOperator } from "@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator";
import { InputError } from "../../errors.js";
import { isRfc1123Label, isRfc1123Subdomain } from "../../params/validate.js";
import { validateName } from "../../kube/names.js";
import { vmInstallSettings } from "../versions.js";
import { compact, featuresOf, type ForVersion } from "./resource.js";
import { validateModel } from "./validate.js";

/** An IstioOperator as plain JSON (namespace-less: istioctl reads it from a file or stdin). */
export interface IstioOperatorResource {
  apiVersion: "install.istio.io/v1alpha1";
  kind: "IstioOperator";
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}

/** Options of vmClusterOperator. */
export interface VmClusterOperatorOptions {
  version: ForVersion;
  /** Default "istio" (the docs' name). */
  name?: string;
  /** values.global.meshID (empty = leave out). */
  meshID?: string;
  /** values.global.multiCluster.clusterName (CLUSTER_ID). */
  clusterName?: string;
  /** values.global.network (empty = single network). */
  network?: string;
  /** Turn on VM auto-registration in istiod (default true). */
  autoregistration?: boolean;
  /** Turn on WorkloadEntry health checks where the release has them (default true). */
  healthChecks?: boolean;
}

/** The current docs' vm-cluster.yaml, with auto-registration (and health checks) as pilot env values. */
export const vmClusterOperator = (options: VmClusterOperatorOptions): IstioOperatorResource => {
  const features = featuresOf(options.version);
  const name = options.name ?? "istio";
  validateName(name, "nome do IstioOperator");
  for (const [value, what] of [[options.meshID, "meshID"], [options.network, "network"]] as const) {
    if (value && !isRfc1123Label(value)) throw new InputError(`${what} "${value}" não é válido`, `use minúsculas, dígitos e '-' em ${what} (por exemplo mesh1)`, what);
  }
  if (options.clusterName && !isRfc1123Subdomain(options.clusterName) && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.clusterName)) {
    throw new InputError(`clusterName "${options.clusterName}" não é válido`, "use letras, dígitos, '.', '_' e '-' (o padrão do Istio é Kubernetes)", "clusterName");
  }
  const env = options.autoregistration === false ? {} : envOf(vmInstallSettings({ features, ...(options.healthChecks !== undefined ? { healthChecks: options.healthChecks } : {}) }));
  const resource: IstioOperatorResource = compact({
    apiVersion: "install.istio.io/v1alpha1" as const,
    kind: "IstioOperator" as const,
    metadata: { name },
    spec: {
      values: {
        global: { meshID: options.meshID || undefined, multiCluster: { clusterName: options.clusterName || undefined }, network: options.network || undefined },
        pilot: { env },
      },
    },
  });
  validateModel({ model: new IstioOperator(resource as never), what: "IstioOperator" });
  return resource;
};

/** `values.pilot.env.X` --set keys → { X: value }. */
const envOf = (settings: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(settings).map(([k, v]) => [k.replace(/^values\.pilot\.env\./, ""), v]));
