// The chapter's VM preparation through the real tools: namespace legacy, ServiceAccount legacy-pegasus, `istioctl x
// workload group create` (+ a probe when asked), `kubectl apply`, `istioctl x workload entry configure -o DIR
// [--autoregister]`; the `hosts` line points istiod's name at `istiodIp` (the pod itself, or the east-west LB).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import type { IstioLab, IstioVersion } from "./istio-lab.js";
import { readVmFiles, type VmFiles } from "./vm-agent.js";

/** Options of configureVmFiles. */
export interface WorkloadGroupOptions {
  version: IstioVersion;
  autoregister: boolean;
  /** The template's service account (default legacy-pegasus, which the token is for). */
  templateServiceAccount?: string;
  /** spec.probe of the WorkloadGroup (health checks). */
  probe?: Record<string, unknown>;
  /** Address istiod's name resolves to on the VM. */
  istiodIp: string;
}

/** Creates the namespace, account and WorkloadGroup and returns the five files. */
export const configureVmFiles = async (lab: IstioLab, o: WorkloadGroupOptions): Promise<VmFiles> => {
  const work = await mkdtemp("/tmp/ilab10-wg-");
  try {
    await lab.kubectl(["create", "namespace", "legacy"]);
    await lab.kubectl(["create", "serviceaccount", "legacy-pegasus", "-n", "legacy"]);
    const created = await lab.istioctl(o.version, ["x", "workload", "group", "create", "--name", "pegasus-pay", "--namespace", "legacy", "--labels", "app=pegasus-pay", "--serviceAccount", "legacy-pegasus"]);
    if (created.exitCode !== 0) throw new Error(created.stderr);
    const wg = yaml.load(created.stdout) as any;
    // the token is issued for the template's account: a different template account models the mismatch case by
    // changing the template after the files were generated
    if (o.probe) wg.spec.probe = o.probe;
    const file = path.join(work, "workloadgroup.yaml");
    await writeFile(file, yaml.dump(wg));
    const applied = await lab.kubectl(["apply", "-f", file]);
    if (applied.exitCode !== 0) throw new Error(applied.stderr);
    const out = path.join(work, "vm");
    const configure = await lab.istioctl(o.version, ["x", "workload", "entry", "configure", "-f", file, "-o", out, ...(o.autoregister ? ["--autoregister"] : [])]);
    if (configure.exitCode !== 0) throw new Error(configure.stderr);
    if (o.templateServiceAccount) {
      wg.spec.template.serviceAccount = o.templateServiceAccount;
      await writeFile(file, yaml.dump(wg));
      await lab.kubectl(["apply", "-f", file]);
    }
    const files = await readVmFiles(out);
    return { ...files, hosts: `${o.istiodIp} istiod.istio-system.svc\n` };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};
