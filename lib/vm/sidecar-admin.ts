// The Istio sidecar's local endpoints on the VM, queried with curl through SSH: Envoy's admin API (localhost:15000:
// /clusters, /ready, /stats) and the agent's readiness (localhost:15021/healthz/ready).
import { InputError } from "../errors.js";
import { curlFromVm, type CurlResponse } from "./http.js";
import type { VmShell } from "./shell.js";

/** Envoy's admin port on the VM. */
export const ENVOY_ADMIN_PORT = 15000;
/** The agent's status port (health checks). */
export const SIDECAR_STATUS_PORT = 15021;

/** GET a path of Envoy's admin API on the VM (`curl localhost:15000<path>`). */
export const envoyAdmin = async (shell: VmShell, { path }: { path: string }): Promise<CurlResponse> => {
  if (!path.startsWith("/") || /[\s\0]/.test(path)) {
    throw new InputError(`envoyAdmin: "${path}" não é um caminho da API de administração`, "use um caminho começando com /, por exemplo /clusters ou /stats?filter=upstream_cx");
  }
  return curlFromVm(shell, { url: `localhost:${ENVOY_ADMIN_PORT}${path}`, maxTimeSeconds: 10 });
};

/** The clusters Envoy knows (`curl localhost:15000/clusters`), with the lines containing `grep` when given (the course's `| grep payment`). */
export const envoyClusters = async (shell: VmShell, { grep }: { grep?: string } = {}): Promise<{ response: CurlResponse; lines: string[] }> => {
  const response = await envoyAdmin(shell, { path: "/clusters" });
  const lines = response.body.split("\n").filter((l) => l !== "" && (grep === undefined || l.includes(grep)));
  return { response, lines };
};

/** Envoy's own readiness (`/ready` answers 200 "LIVE" once Envoy is initialized). */
export const envoyReady = async (shell: VmShell): Promise<{ ready: boolean; response: CurlResponse }> => {
  const response = await envoyAdmin(shell, { path: "/ready" });
  return { ready: response.status === 200 && response.body.trim() === "LIVE", response };
};

/** Envoy statistics (`/stats`, optionally `?filter=<regex>`), as `name: value` lines. */
export const envoyStats = async (shell: VmShell, { filter }: { filter?: string } = {}): Promise<{ response: CurlResponse; stats: Map<string, string> }> => {
  const response = await envoyAdmin(shell, { path: filter === undefined ? "/stats" : `/stats?filter=${encodeURIComponent(filter)}` });
  const stats = new Map<string, string>();
  for (const line of response.body.split("\n")) {
    const at = line.lastIndexOf(": ");
    if (at > 0) stats.set(line.slice(0, at), line.slice(at + 2));
  }
  return { response, stats };
};

/** The sidecar's readiness as Kubernetes would probe it (`localhost:15021/healthz/ready` answers 200 when ready). */
export const sidecarReady = async (shell: VmShell): Promise<{ ready: boolean; response: CurlResponse }> => {
  const response = await curlFromVm(shell, { url: `localhost:${SIDECAR_STATUS_PORT}/healthz/ready`, maxTimeSeconds: 10 });
  return { ready: response.status === 200, response };
};
