// Where the lab keeps its files: per-instance state, the shared cache, and the project's tools.
import { fileURLToPath } from "node:url";
import path from "node:path";

/** The project's root folder (the checkout), found from this file's compiled location (dist/lab/paths.js). */
export const projectRoot = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Folders and files of one lab instance. */
export interface LabPaths {
  /** Per-instance state: `$LAB_STATE_DIR` or `<project>/.lab/<n>`. */
  readonly state: string;
  /** The parameters file the runbook reads (KEY=value lines). */
  readonly paramsFile: string;
  /** Kubeconfig written for the student. */
  readonly kubeconfig: string;
  /** SSH private key for VM_USER (mode 0600). */
  readonly sshKey: string;
  /** Files of running lab processes (`*.pid`) and their logs. */
  readonly run: string;
  readonly logs: string;
  /** Cache shared by every instance and checkout (rootfs images, built packages): `$LAB_CACHE_DIR` or /var/cache/istio-em-vms-lab. */
  readonly cache: string;
  /** Tools the project installs (kubectl): `<project>/.tools/bin`. */
  readonly toolsBin: string;
}

/** Returns the paths of lab instance `instance`. */
export const labPaths = (instance = 0, env: NodeJS.ProcessEnv = process.env): LabPaths => {
  const root = projectRoot();
  const state = env["LAB_STATE_DIR"] ?? path.join(root, ".lab", String(instance));
  return {
    state,
    paramsFile: path.join(state, "params.env"),
    kubeconfig: path.join(state, "kubeconfig"),
    sshKey: path.join(state, "ssh", "id_ed25519"),
    run: path.join(state, "run"),
    logs: path.join(state, "logs"),
    cache: env["LAB_CACHE_DIR"] ?? "/var/cache/istio-em-vms-lab",
    toolsBin: path.join(root, ".tools", "bin"),
  };
};
