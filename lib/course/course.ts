// The chapter's concrete values, built from the parameters: the pegasus-pay container, the install settings for VM
// auto-registration, the package URL, the troubleshooting resources (cloud-vm, sleep, STRICT mTLS).
import path from "node:path";
import { InputError } from "../errors.js";
import type { Manifest } from "../kube/manifest.js";
import { peerAuthentication } from "../istio/resources/peer-authentication.js";
import { vmService } from "../istio/resources/service.js";
import { workloadEntry } from "../istio/resources/workload-entry.js";
import { istioFeatures, vmInstallSettings } from "../istio/versions.js";
import { projectRoot } from "../project.js";
import type { RunbookParams } from "../params/schema.js";
import type { DockerRunOptions } from "../vm/docker.js";
import { PEGASUS_PAY } from "./simul-shop.js";

/** Course values for one set of parameters. */
export class Course {
  constructor(private readonly params: Readonly<RunbookParams>) {}

  /** The course's `docker run -d --rm -p 8000:8000 --hostname pegasus-pay --name pegasus-pay -e … kdop/generic-service:0.0.5`;
   * with network "host", the fix of the mTLS story (no published port: the sidecar captures the app's port). */
  pegasusPayContainer(options: { network?: "host" } = {}): DockerRunOptions {
    const d = PEGASUS_PAY.docker;
    return {
      image: d.image,
      name: d.containerName,
      ...(options.network === "host" ? { network: "host" } : { publish: [d.publish], hostname: d.hostname }),
      env: Object.fromEntries(d.env.map((e) => [e.name, e.name === "APP" ? this.params.VM_APP : e.value])),
      replace: true,
    };
  }

  /** `--set` values that turn on WorkloadEntry auto-registration (and health checks where the version has them). */
  autoregistrationSettings(): Record<string, string> {
    return vmInstallSettings({ features: istioFeatures(this.params.ISTIO_VERSION) });
  }

  /** workloadgroup.yaml, written by `istioctl x workload group create` next to WORK_DIR (as the course's `> workloadgroup.yaml`). */
  workloadGroupFile(): string {
    return path.resolve(projectRoot(), path.dirname(this.params.WORK_DIR), "workloadgroup.yaml");
  }

  /** The VM user's home folder (where scp puts the files). */
  vmHome(): string {
    return this.params.VM_USER === "root" ? "/root" : `/home/${this.params.VM_USER}`;
  }

  /** The sidecar package of the running Istio version: <base>/<version>/deb/istio-sidecar.deb. */
  sidecarPackageUrl(): string {
    return `${this.params.ISTIO_SIDECAR_BASE_URL.replace(/\/+$/, "")}/${this.params.ISTIO_VERSION}/deb/istio-sidecar.deb`;
  }

  /** The release's sleep sample (the course's client for the TLS experiment). */
  sleepSample(): string {
    return path.join(this.params.ISTIO_DIR, "samples", "sleep", "sleep.yaml");
  }

  /** The course's `cloud-vm` WorkloadEntry, with the service account the chapter created (the course typed pegasus-legacy). */
  cloudVmEntry(): Manifest {
    return workloadEntry({
      version: istioFeatures(this.params.ISTIO_VERSION),
      name: "cloud-vm",
      namespace: this.params.VM_NAMESPACE,
      address: this.params.VM_ADDRESS,
      labels: { app: "cloud-vm" },
      serviceAccount: this.params.SERVICE_ACCOUNT,
    }) as unknown as Manifest;
  }

  /** The course's `cloud-vm` Service on port 8080, without the fixed clusterIP (valid only in the course's cluster). */
  cloudVmService(): Manifest {
    return vmService({
      name: "cloud-vm",
      namespace: this.params.VM_NAMESPACE,
      labels: { app: "cloud-vm" },
      selector: { app: "cloud-vm" },
      ports: [{ name: "http-vm", port: 8080, targetPort: 8080 }],
    }) as unknown as Manifest;
  }

  /** Mutual TLS required for the VM's namespace (the proof that the fix works). */
  strictMtls(): Manifest {
    return peerAuthentication({ version: istioFeatures(this.params.ISTIO_VERSION), name: "strict-mtls-legacy", namespace: this.params.VM_NAMESPACE, mode: "STRICT" }) as unknown as Manifest;
  }

  /** The app port of a course container name (only pegasus-pay is known). */
  appPort(name: string): number {
    if (name !== PEGASUS_PAY.docker.containerName) throw new InputError(`contêiner desconhecido: ${name}`, `use ${PEGASUS_PAY.docker.containerName}`);
    return 8000;
  }
}
