// The CA's persistence, as istiod's self-signed CA does it: read Secret istio-ca-secret in istiod's namespace
// (ca-cert.pem, ca-key.pem); when it does not exist, generate a root and create the Secret (type istio.io/ca-root,
// with empty cert-chain.pem, key.pem, root-cert.pem), so restarts keep the same root.
import { KubeRestError, type KubeRest } from "../kube/rest.js";
import type { IstiodLogger } from "../log.js";
import { createRoot, type RootMaterial } from "./authority.js";

/** Name of the CA secret. */
export const CA_SECRET = "istio-ca-secret";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const unb64 = (s: unknown) => Buffer.from(String(s ?? ""), "base64").toString("utf8");

/** Loads the root from istio-ca-secret, creating the secret with a new root when it is missing. */
export const loadOrCreateRoot = async ({ rest, namespace, trustDomain, log }: { rest: KubeRest; namespace: string; trustDomain: string; log: IstiodLogger }): Promise<RootMaterial> => {
  const path = `/api/v1/namespaces/${namespace}/secrets`;
  for (;;) {
    const existing = await rest.getOptional(`${path}/${CA_SECRET}`);
    if (existing) {
      log.info("pkica", `Load signing key and cert from existing secret ${namespace}:${CA_SECRET}`);
      const root = { certPem: unb64(existing["data"]?.["ca-cert.pem"]), keyPem: unb64(existing["data"]?.["ca-key.pem"]) };
      log.info("pkica", `Using existing public key: ${root.certPem}`);
      return root;
    }
    log.info("pkica", `Failed to get secret (error: secrets "${CA_SECRET}" not found), will create one`);
    const root = await createRoot(trustDomain);
    try {
      await rest.request("POST", path, {
        body: {
          apiVersion: "v1",
          kind: "Secret",
          type: "istio.io/ca-root",
          metadata: { name: CA_SECRET, namespace },
          data: { "ca-cert.pem": b64(root.certPem), "ca-key.pem": b64(root.keyPem), "cert-chain.pem": "", "key.pem": "", "root-cert.pem": "" },
        },
      });
    } catch (error) {
      if (error instanceof KubeRestError && error.status === 409) continue; // someone else created it first: use theirs
      log.error("pkica", `Failed to write secret to CA (error: ${(error as Error).message}). Abort.`);
      throw new Error("failed to create CA due to secret write error");
    }
    log.info("pkica", `Using self-generated public key: ${root.certPem}`);
    return root;
  }
};
