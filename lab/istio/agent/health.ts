// The workload health checker of the agent (pkg/istio-agent/health): the WorkloadGroup's readinessProbe (httpGet or
// tcpSocket) run against the workload every periodSeconds; results after the thresholds go to istiod, which keeps a
// health-checked WorkloadEntry's Healthy condition.
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProbeSpec } from "./config.js";

/** One probe attempt: healthy, or why not. */
export const probeOnce = (spec: ProbeSpec, host: string): Promise<{ healthy: boolean; message?: string }> => {
  const timeoutMs = (spec.timeoutSeconds ?? 1) * 1000;
  if (spec.httpGet) {
    const g = spec.httpGet;
    return new Promise((resolve) => {
      const req = http.get({ host: g.host || host, port: g.port, path: g.path ?? "/", timeout: timeoutMs, headers: { "user-agent": "Istio-Health-Check" } }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { healthy: true } : { healthy: false, message: `HTTP health check failed with status ${code}` });
      });
      req.once("timeout", () => req.destroy(new Error("timeout")));
      req.once("error", (e) => resolve({ healthy: false, message: e.message }));
    });
  }
  const port = spec.tcpSocket?.port;
  if (port === undefined) return Promise.resolve({ healthy: true });
  return new Promise((resolve) => {
    const s = net.connect({ host: spec.tcpSocket?.host || host, port, timeout: timeoutMs });
    s.once("connect", () => (s.destroy(), resolve({ healthy: true })));
    s.once("timeout", () => (s.destroy(), resolve({ healthy: false, message: "timeout" })));
    s.once("error", (e) => resolve({ healthy: false, message: e.message }));
  });
};

/** Runs the probe until `signal` aborts; calls `onChange` whenever the thresholded state flips (and first time). */
export const runHealthChecks = async ({ spec, host, signal, onChange }: { spec: ProbeSpec; host: string; signal: AbortSignal; onChange: (r: { healthy: boolean; message?: string }) => void }): Promise<void> => {
  let state: boolean | undefined;
  let ok = 0;
  let bad = 0;
  while (!signal.aborted) {
    const r = await probeOnce(spec, host);
    if (r.healthy) (ok++, (bad = 0));
    else (bad++, (ok = 0));
    const next = r.healthy && ok >= (spec.successThreshold ?? 1) ? true : !r.healthy && bad >= (spec.failureThreshold ?? 3) ? false : state;
    if (next !== undefined && next !== state) {
      state = next;
      onChange(r);
    }
    await sleep((spec.periodSeconds ?? 5) * 1000, undefined, { signal }).catch(() => undefined);
  }
};
