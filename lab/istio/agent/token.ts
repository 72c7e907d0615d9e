// Where the agent's istio-token (a Kubernetes JWT with audience istio-ca) comes from: the file
// ./var/run/secrets/tokens/istio-token (the VM: copied by the student; a pod: the injector's projected volume), or —
// in a pod whose kubelet does not project that volume (the lab's) — a TokenRequest for the pod's service account
// bound to the pod, kept in memory and renewed at 80 % of its life.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { KubeRest } from "../istiod/kube/rest.js";

/** A token, or Go's error text for why there is none. */
export type TokenResult = { token: string } | { error: string };

/** Supplies the istio-token for CSR calls. */
export interface TokenSource {
  get(): Promise<TokenResult>;
}

/** Reads the token file on every call (the student may replace it). */
export const fileTokenSource = (cwd: string, relPath: string): TokenSource => ({
  get: async () => {
    try {
      const token = (await readFile(path.resolve(cwd, relPath), "utf8")).trim();
      return token ? { token } : { error: `read empty token from file "${relPath}"` };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { error: `open ${relPath}: ${code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : (error as Error).message}` };
    }
  },
});

/** Requests pod-bound tokens with audience istio-ca through the API (expiration 43200 s, like the injected volume). */
export const tokenRequestSource = ({ rest, namespace, serviceAccount, podName }: { rest: KubeRest; namespace: string; serviceAccount: string; podName: string }): TokenSource => {
  let cached: { token: string; renewAt: number } | undefined;
  return {
    get: async () => {
      if (cached && Date.now() < cached.renewAt) return { token: cached.token };
      try {
        const pod = await rest.request("GET", `/api/v1/namespaces/${namespace}/pods/${podName}`);
        const created = await rest.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, {
          body: {
            apiVersion: "authentication.k8s.io/v1",
            kind: "TokenRequest",
            spec: { audiences: ["istio-ca"], expirationSeconds: 43200, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: podName, uid: pod["metadata"]?.["uid"] } },
          },
        });
        const token = String(created["status"]?.["token"] ?? "");
        const expires = Date.parse(String(created["status"]?.["expirationTimestamp"] ?? "")) || Date.now() + 43200_000;
        cached = { token, renewAt: Date.now() + 0.8 * (expires - Date.now()) };
        return { token };
      } catch (error) {
        return { error: `failed to request an istio-token: ${(error as Error).message}` };
      }
    },
  };
};

/** The file when it exists, else the fallback. */
export const preferFile = (file: TokenSource, fallback: TokenSource): TokenSource => ({
  get: async () => {
    const r = await file.get();
    return "token" in r ? r : fallback.get();
  },
});
