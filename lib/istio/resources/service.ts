// The Kubernetes Service for the VM's application (the course's `pegasus-pay` in `legacy`, port 8000 named http-vm):
// how pods reach the VM by name.
import { InputError } from "../../errors.js";
import { validateLabels, validateName, validateNamespace, validatePort } from "../../kube/names.js";
import { compact, type Resource } from "./resource.js";
import { validatePortName } from "./validate.js";

/** One Service port. */
export interface VmServicePort {
  /** The name tells Istio the protocol by its prefix (http-vm → HTTP). */
  name: string;
  port: number;
  targetPort?: number;
  protocol?: "TCP" | "UDP" | "SCTP";
}

/** The Service spec the builder writes. */
export interface VmServiceSpec {
  type?: "ClusterIP";
  selector: Record<string, string>;
  ports: Array<{ name: string; port: number; targetPort?: number; protocol?: string }>;
}

/** A Service as plain JSON. */
export type ServiceResource = Resource<"Service", VmServiceSpec>;

/** Options of vmService. */
export interface VmServiceOptions {
  name: string;
  /** Omit to apply with `kubectl -n NS apply`, as the course does. */
  namespace?: string;
  labels?: Record<string, string>;
  /** Must match the WorkloadGroup/WorkloadEntry labels, e.g. { app: "pegasus-pay" }. */
  selector: Record<string, string>;
  ports: readonly VmServicePort[];
}

/** Builds a validated Service; InputError (Portuguese) for bad names, ports or an empty selector. */
export const vmService = (options: VmServiceOptions): ServiceResource => {
  validateName(options.name, "nome do Service");
  if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(options.name)) {
    throw new InputError(`o nome de Service "${options.name}" não é válido`, "um Service precisa de um nome DNS-1035: minúsculas, dígitos e '-', começando por letra, até 63 caracteres", "nome do Service");
  }
  if (options.namespace !== undefined) validateNamespace(options.namespace);
  if (options.labels) validateLabels(options.labels);
  if (Object.keys(options.selector).length === 0) {
    throw new InputError("o Service da VM precisa de um seletor", "passe selector com os rótulos do WorkloadGroup, por exemplo { app: \"pegasus-pay\" }", "selector");
  }
  validateLabels(options.selector, "seletor");
  if (options.ports.length === 0) throw new InputError("o Service precisa de pelo menos uma porta", "passe ports, por exemplo [{ name: \"http-vm\", port: 8000, targetPort: 8000 }]", "ports");
  const seen = new Set<string>();
  for (const p of options.ports) {
    validatePortName(p.name);
    validatePort(p.port);
    if (p.targetPort !== undefined) validatePort(p.targetPort, "targetPort");
    if (seen.has(p.name)) throw new InputError(`o nome de porta "${p.name}" aparece duas vezes`, "dê um nome diferente a cada porta", "ports");
    seen.add(p.name);
  }
  return compact({
    apiVersion: "v1",
    kind: "Service" as const,
    metadata: { name: options.name, namespace: options.namespace, labels: options.labels ? { ...options.labels } : undefined },
    spec: { ports: options.ports.map((p) => ({ port: p.port, name: p.name, targetPort: p.targetPort, protocol: p.protocol })), selector: { ...options.selector } },
  });
};
