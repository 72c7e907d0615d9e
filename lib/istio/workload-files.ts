// The files `istioctl x workload entry configure` writes for the VM (cluster.env, mesh.yaml, root-cert.pem,
// istio-token, hosts; sidecar.env with --internalIP/--externalIP): found, checked, and the token registered as a secret.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Masker } from "../redact/masker.js";

/** The files every configure run writes, in the course's order. */
export const WORKLOAD_FILES = ["cluster.env", "istio-token", "mesh.yaml", "root-cert.pem", "hosts"] as const;

/** One of those files' names. */
export type WorkloadFileName = (typeof WORKLOAD_FILES)[number] | "sidecar.env";

/** What was found in the output folder. */
export interface WorkloadFiles {
  dir: string;
  /** Absolute paths of the files present. */
  files: Partial<Record<WorkloadFileName, string>>;
  /** Expected files that are missing. */
  missing: WorkloadFileName[];
  /** Expected files that exist but are empty (an empty `hosts` means istioctl found no gateway address). */
  empty: WorkloadFileName[];
  /** The hosts line(s), e.g. "198.18.2.1 istiod.istio-system.svc". */
  hosts: string;
}

/** Inspects the output folder; registers the istio-token with the masker so it never reaches an output. */
export const inspectWorkloadFiles = ({ dir, sidecarEnv = false, masker }: { dir: string; sidecarEnv?: boolean; masker?: Masker }): WorkloadFiles => {
  const expected: WorkloadFileName[] = [...WORKLOAD_FILES, ...(sidecarEnv ? (["sidecar.env"] as const) : [])];
  const files: WorkloadFiles["files"] = {};
  const missing: WorkloadFileName[] = [];
  const empty: WorkloadFileName[] = [];
  for (const name of expected) {
    const file = path.join(dir, name);
    if (!existsSync(file)) {
      missing.push(name);
      continue;
    }
    files[name] = file;
    if (statSync(file).size === 0 || readFileSync(file, "utf8").trim() === "") empty.push(name);
  }
  if (files["istio-token"] && masker) {
    const token = readFileSync(files["istio-token"], "utf8").trim();
    if (token.length >= 6) masker.addSecret(token);
  }
  const hosts = files.hosts ? readFileSync(files.hosts, "utf8").trim() : "";
  return { dir, files, missing, empty, hosts };
};
