// What pilot-agent says and does differently across the releases the lab reproduces: the log lines of its startup,
// certificate, xDS and readiness paths, and the gRPC error texts its Go libraries produce. Sources: istio/istio at
// 1.8.1 (pkg/istio-agent, security/pkg/nodeagent, pilot/cmd/pilot-agent/status) and 1.30.0 (same packages).

/** Known build revisions (`Version 1.8.1-<sha>-Clean`). */
const REVISIONS: Readonly<Record<string, string>> = {
  "1.8.1": "806fb24bc121bf93ea06f6a38b7ccb3d78d1f326",
  "1.30.0": "badd809ed7d57954d4c16e12e75e15a7722a7b96",
};

/** The agent's version-dependent behaviour. */
export interface AgentProfile {
  readonly version: string;
  readonly minor: number;
  /** `Version …` line. */
  readonly versionLine: string;
  /** 1.8: SDS-era lines (sds/cache "resource:default …", citadelclient); current: "generated new workload certificate". */
  readonly certLogStyle: "1.8" | "current";
  /** Readiness failure text before config arrived. */
  readonly notReadyNoConfig: (stats: string) => string;
  /** grpc-go's prefix of dial failures: "transport: Error while dialing dial tcp…" (1.8) or "…dialing: dial tcp…". */
  readonly dialErrorPrefix: string;
  /** The xDS proxy logs "connecting to upstream…" and "Envoy ADS stream established" (1.8) or "connected to upstream… id=N". */
  readonly xdsLogStyle: "1.8" | "current";
  /** Logs "Readiness succeeded in …" on the first successful probe (current). */
  readonly logsReadinessDuration: boolean;
}

/** Thrown for a release the lab does not model. */
export class UnsupportedAgentVersionError extends Error {
  override name = "UnsupportedAgentVersionError";
}

/** The agent profile of `1.MINOR.PATCH`. */
export const agentProfile = (version: string): AgentProfile => {
  const m = /^1\.(\d{1,2})\.(\d{1,2})$/.exec(version);
  if (!m) throw new UnsupportedAgentVersionError(`not an Istio version: "${version}"`);
  const minor = Number(m[1]);
  if (minor < 8 || minor > 30) throw new UnsupportedAgentVersionError(`Istio ${version} is outside the releases the lab models (1.8.x to 1.30.x)`);
  const old = minor < 10;
  return {
    version,
    minor,
    versionLine: `Version ${version}-${REVISIONS[version] ?? "unknown"}-Clean`,
    certLogStyle: old ? "1.8" : "current",
    notReadyNoConfig: (stats) => (old ? `config not received from Pilot (is Pilot running?): ${stats}` : `config not received from XDS server (is Istiod running?): ${stats}`),
    dialErrorPrefix: minor < 12 ? "transport: Error while dialing " : "transport: Error while dialing: ",
    xdsLogStyle: old ? "1.8" : "current",
    logsReadinessDuration: !old,
  };
};

/** Go's time.Duration String() ("23h59m59.912s", "102.5ms"). */
export const goDuration = (ms: number): string => {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms.toFixed(3))}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const secs = `${trim(s.toFixed(3))}s`;
  return h ? `${h}h${m}m${secs}` : m ? `${m}m${secs}` : secs;
};

const trim = (n: string): string => n.replace(/\.?0+$/, "");
