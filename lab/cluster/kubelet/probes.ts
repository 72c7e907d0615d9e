// Probes as the kubelet runs them: httpGet and tcpSocket from the node to the pod's address, exec inside the
// container; thresholds, period and initial delay from the probe spec.
import http from "node:http";
import net from "node:net";

/** The outcome of one probe attempt. */
export interface ProbeResult {
  ok: boolean;
  /** Why it failed, in the kubelet's words (the Unhealthy event's message). */
  message: string;
}

/** Runs an exec probe's command in the container; resolves with its exit code and output. */
export type ExecProbeRunner = (command: string[], timeoutMs: number) => Promise<{ exitCode: number; output: string }>;

const resolvePort = (port: unknown, containerPorts: any[]): number | undefined => {
  if (typeof port === "number") return port;
  if (typeof port === "string" && /^\d+$/.test(port)) return Number(port);
  return containerPorts.find((p) => p.name === port)?.containerPort;
};

/** Runs one attempt of `probe` against a container of the pod at `podIp`. */
export const runProbe = async (probe: any, { podIp, containerPorts, exec }: { podIp: string; containerPorts: any[]; exec: ExecProbeRunner }): Promise<ProbeResult> => {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port, containerPorts);
    if (port === undefined) return { ok: false, message: `Probe failed: port ${String(probe.httpGet.port)} not found` };
    const scheme = String(probe.httpGet.scheme ?? "HTTP").toLowerCase();
    const hostName = probe.httpGet.host ?? podIp;
    const p = probe.httpGet.path ?? "/";
    const url = `${scheme}://${hostName.includes(":") ? `[${hostName}]` : hostName}:${port}${p.startsWith("/") ? p : `/${p}`}`;
    return new Promise((resolve) => {
      const headers: Record<string, string> = { "User-Agent": "kube-probe/1.33", Accept: "*/*" };
      for (const h of probe.httpGet.httpHeaders ?? []) headers[h.name] = h.value;
      const req = http.get(url, { headers, timeout: timeoutMs }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true, message: "" } : { ok: false, message: `Probe failed: HTTP probe failed with statuscode: ${code}` });
      });
      req.on("timeout", () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
      req.on("error", (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, message: `Probe failed: ${error.code === "ECONNREFUSED" ? `Get "${url}": dial tcp ${hostName}:${port}: connect: connection refused` : error.message}` }),
      );
    });
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, containerPorts);
    if (port === undefined) return { ok: false, message: `Probe failed: port ${String(probe.tcpSocket.port)} not found` };
    const hostName = probe.tcpSocket.host ?? podIp;
    return new Promise((resolve) => {
      const socket = net.connect({ host: hostName, port, timeout: timeoutMs });
      socket.once("connect", () => {
        socket.destroy();
        resolve({ ok: true, message: "" });
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve({ ok: false, message: `Probe failed: dial tcp ${hostName}:${port}: i/o timeout` });
      });
      socket.once("error", () => resolve({ ok: false, message: `Probe failed: dial tcp ${hostName}:${port}: connect: connection refused` }));
    });
  }
  if (probe.exec) {
    const { exitCode, output } = await exec(probe.exec.command ?? [], timeoutMs);
    return exitCode === 0 ? { ok: true, message: "" } : { ok: false, message: `Probe failed: ${output.trim()}`.trim() };
  }
  if (probe.grpc) return { ok: false, message: "Probe failed: grpc probes are not supported by the lab's kubelet" };
  return { ok: true, message: "" };
};

/** Timing and thresholds of a probe (Kubernetes defaults). */
export const probeTiming = (probe: any) => ({
  initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
  periodMs: (probe.periodSeconds ?? 10) * 1000,
  successThreshold: probe.successThreshold ?? 1,
  failureThreshold: probe.failureThreshold ?? 3,
});
