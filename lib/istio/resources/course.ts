// The chapter's Istio and Kubernetes resources for the VM, built from the runbook's parameters with the course's
// names and values (pegasus-pay in legacy, port 8000 named http-vm, mutual TLS off for the namespace…).
import type { RunbookParams } from "../../params/schema.js";
import { istioFeatures } from "../versions.js";
import { vmClusterOperator, type IstioOperatorResource } from "./istio-operator.js";
import { peerAuthentication, type PeerAuthenticationResource } from "./peer-authentication.js";
import { serviceEntry, type ServiceEntryResource } from "./service-entry.js";
import { vmService, type ServiceResource } from "./service.js";
import { workloadEntry, type WorkloadEntryResource } from "./workload-entry.js";
import { workloadGroup, type WorkloadGroupResource } from "./workload-group.js";

/** The port the course's legacy service (generic-service) listens on in the VM. */
export const VM_APP_PORT = 8000;

/** Every resource the chapter writes for the VM. */
export interface CourseResources {
  /** What `istioctl x workload group create` produces (also appliable as is). */
  workloadGroup: WorkloadGroupResource;
  /** The manual registration ("[Desnecessário se o autoregistro estiver ligado]"). */
  workloadEntry: WorkloadEntryResource;
  /** The Service that lets pods call the VM by name. */
  service: ServiceResource;
  /** The course's workaround: mutual TLS off for the VM's namespace. */
  disableMtls: PeerAuthenticationResource;
  /** The MESH_INTERNAL ServiceEntry (so Kiali draws the VM's service). */
  serviceEntry: ServiceEntryResource;
  /** The current docs' vm-cluster.yaml (auto-registration and health checks on). */
  vmCluster: IstioOperatorResource;
}

/** Builds the chapter's resources from the parameters; InputError if a parameter makes one invalid. */
export const courseResources = ({ params, appPort = VM_APP_PORT }: { params: Readonly<RunbookParams>; appPort?: number }): CourseResources => {
  const features = istioFeatures(params.ISTIO_VERSION);
  const app = params.VM_APP;
  const namespace = params.VM_NAMESPACE;
  const labels = { app };
  return {
    workloadGroup: workloadGroup({ version: features, name: app, namespace, labels, serviceAccount: params.SERVICE_ACCOUNT, ...(params.CLUSTER_NETWORK ? { network: params.CLUSTER_NETWORK } : {}) }),
    workloadEntry: workloadEntry({ version: features, name: app, namespace, address: params.VM_ADDRESS, labels, serviceAccount: params.SERVICE_ACCOUNT }),
    service: vmService({ name: app, namespace, labels, selector: labels, ports: [{ name: "http-vm", port: appPort, targetPort: appPort }] }),
    disableMtls: peerAuthentication({ version: features, name: `disable-mtls-${namespace}`, namespace, mode: "DISABLE" }),
    serviceEntry: serviceEntry({ version: features, name: app, namespace, hosts: [`${app}.${namespace}`], location: "MESH_INTERNAL", ports: [{ number: appPort, name: "http", protocol: "HTTP" }], resolution: "DNS" }),
    vmCluster: vmClusterOperator({ version: features, meshID: params.MESH_ID, clusterName: params.CLUSTER_ID, network: params.CLUSTER_NETWORK }),
  };
};
