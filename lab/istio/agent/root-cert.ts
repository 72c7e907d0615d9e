// The root certificate the agent trusts istiod with (FindRootCAForCA): PROV_CERT/root-cert.pem when present (the VM's
// /etc/certs, "Using existing certificate"), else ./var/run/secrets/istio/root-cert.pem (a pod's istiod-ca-cert
// volume). The lab's kubelet does not mount ConfigMap volumes, so a pod reads ConfigMap istio-ca-root-cert through
// the API instead (waiting until istiod published it).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeRest } from "../istiod/kube/rest.js";
import type { IstioLogger } from "../proxy/log.js";
import type { AgentConfig } from "./config.js";

/** Thrown when no root certificate exists (pilot-agent exits with `invalid config - … missing a root certificate …`). */
export class MissingRootCertError extends Error {
  override name = "MissingRootCertError";
}

/** Where the pod's root certificate volume would be. */
export const POD_ROOT_CERT = "./var/run/secrets/istio/root-cert.pem";

/** Finds (or fetches) the root PEM and logs which file the agent uses. */
export const loadRootCert = async ({ config, log, rest, signal }: { config: AgentConfig; log: IstioLogger; rest?: KubeRest; signal?: AbortSignal }): Promise<string> => {
  const addr = config.caAddress;
  if (config.provCert) {
    const file = path.join(path.resolve(config.cwd, config.provCert), "root-cert.pem");
    if (existsSync(file)) {
      log.warn("", `Using existing certificate ${config.provCert}`);
      log.info("", `Using CA ${addr} cert with certs: ${path.join(config.provCert, "root-cert.pem")}`);
      return readFileSync(file, "utf8");
    }
  }
  const podFile = path.resolve(config.cwd, POD_ROOT_CERT);
  if (existsSync(podFile)) {
    log.info("", `Using CA ${addr} cert with certs: ${POD_ROOT_CERT.replace(/^\.\//, "")}`);
    return readFileSync(podFile, "utf8");
  }
  if (config.kind === "pod" && rest) {
    for (;;) {
      const cm = await rest.getOptional(`/api/v1/namespaces/${config.namespace}/configmaps/istio-ca-root-cert`).catch(() => undefined);
      const pem = cm?.["data"]?.["root-cert.pem"];
      if (typeof pem === "string" && pem.includes("BEGIN CERTIFICATE")) {
        log.info("", `Using CA ${addr} cert with certs: ${POD_ROOT_CERT.replace(/^\.\//, "")}`);
        return pem;
      }
      if (signal?.aborted) break;
      await sleep(500);
    }
  }
  // without PROV_CERT/root-cert.pem the agent looks for the pod volume's file, and names it
  throw new MissingRootCertError(`invalid config - ${addr} missing a root certificate ${POD_ROOT_CERT}`);
};
