// The kubeconfig the lab writes for the student: cluster `lab`, user `lab-admin`, context `lab` (current), plus
// a context `lab-other` pointing at a port where no API server listens (tests of "wrong context").
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";

/** Options of the kubeconfig. */
export interface KubeconfigOptions {
  /** `https://198.18.0.1:6443`. */
  server: string;
  /** Server of the `lab-other` context (nothing listens there). */
  otherServer: string;
  caCert: string;
  token: string;
  namespace?: string;
}

/** The kubeconfig document as an object. */
export const kubeconfigDocument = (o: KubeconfigOptions): Record<string, unknown> => ({
  apiVersion: "v1",
  kind: "Config",
  preferences: {},
  "current-context": "lab",
  clusters: [
    { name: "lab", cluster: { server: o.server, "certificate-authority-data": Buffer.from(o.caCert).toString("base64") } },
    { name: "lab-other", cluster: { server: o.otherServer, "certificate-authority-data": Buffer.from(o.caCert).toString("base64") } },
  ],
  users: [{ name: "lab-admin", user: { token: o.token } }],
  contexts: [
    { name: "lab", context: { cluster: "lab", user: "lab-admin", namespace: o.namespace ?? "default" } },
    { name: "lab-other", context: { cluster: "lab-other", user: "lab-admin", namespace: "default" } },
  ],
});

/** Writes the kubeconfig (mode 0600). */
export const writeKubeconfig = async (file: string, options: KubeconfigOptions): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, yaml.dump(kubeconfigDocument(options), { lineWidth: -1 }), { mode: 0o600 });
};
