// What changes in the data plane between the Istio releases the lab reproduces (1.8.x, the course, up to the current
// 1.30.x): one profile object derived from the version string, so every behaviour switch is named and sourced here.
//
// Exact for 1.8.1 and 1.30.x (read from istio/istio at those tags and from the Envoy sources they pin); switches between
// them are placed at the release where the change was found ("≈" marks an approximate placement, see lab/README.md).

/** The version-dependent behaviour of one Istio release's sidecar (pilot-agent + Envoy). */
export interface DataPlaneProfile {
  /** "1.8.1" */
  readonly istioVersion: string;
  readonly minor: number;
  readonly patch: number;
  /** Envoy release line bundled by this Istio release ("1.16" for 1.8, "1.38" for 1.30). */
  readonly envoyVersion: string;

  // --- traffic capture (istio-iptables) ---
  /** Generation of the iptables layout: 1.8 (DNAT of all DNS), 1.9–1.24 (DNS to resolv.conf servers in nat
   * OUTPUT), 1.25+ (ISTIO_OUTPUT_DNS chains, protocol-less OUTPUT jump). */
  readonly captureGeneration: "1.8" | "1.9" | "1.25";
  /** ISTIO_INBOUND has a hard-coded `--dport 22 -j RETURN` when capturing `*` (removed in 1.13). */
  readonly inboundSshReturn: boolean;
  /** Conntrack zones for DNS in the raw table (1.10+). */
  readonly dnsConntrackZones: boolean;
  /** The proxy-uid loopback rule excludes ports with `-m multiport ! --dports 53,15008` / `! --dport 15008` (1.18+). */
  readonly loopbackRedirectExcludesTunnelPort: boolean;
  /** `istio-start.sh clean` exists and istio.service runs it on stop (1.10+); 1.8 leaves the rules in place. */
  readonly cleanOnStop: boolean;
  /** How the start script clears old rules: `pilot-agent istio-clean-iptables` (1.8) or `istio-iptables --cleanup-only`. */
  readonly cleanupCommand: "istio-clean-iptables" | "cleanup-only";

  // --- DNS proxy (pilot-agent) ---
  /** Listen address: ":15053" (all addresses, 1.8), "localhost:15053" (1.9–1.11), "127.0.0.1:15053" (1.12+). */
  readonly dnsListen: { readonly host: string; readonly logAddress: string };
  /** Log scope of the DNS proxy ("" = Istio's default scope, printed without a scope column, as in 1.8). */
  readonly dnsLogScope: string;
  /** "at" (≤1.11) or "on" (1.12+) in `Starting local udp DNS server at|on ADDR`. */
  readonly dnsLogPreposition: "at" | "on";
  /** Rcode before the first name table: NXDOMAIN (1.8) or SERVFAIL (1.9+). */
  readonly dnsRcodeBeforeSync: "NXDOMAIN" | "SERVFAIL";
  /** Rcode when every upstream fails: NXDOMAIN (1.8) or SERVFAIL (1.9+). */
  readonly dnsRcodeUpstreamFailure: "NXDOMAIN" | "SERVFAIL";
  /** 1.8 keeps trying upstreams while an answer has no records and then says NXDOMAIN; later versions relay the
   * first answer as is. */
  readonly dnsRequireAnswerRecords: boolean;
  /** Known host without a record of the asked type: NXDOMAIN (≤1.9) or NOERROR/NODATA (1.10+, istio#31250). */
  readonly dnsKnownHostNoDataRcode: "NXDOMAIN" | "NOERROR";
  /** Timeout of one upstream exchange: miekg/dns default 2 s (≤1.2x) or DefaultUpstreamTimeout 5 s (1.30). */
  readonly dnsUpstreamTimeoutMs: number;

  // --- Envoy listeners, clusters and TLS ---
  /** Inbound traffic goes to 127.0.0.1:PORT (1.8, STATIC inbound cluster) or to the instance IP from 127.0.0.6
   * (1.10+, ORIGINAL_DST inbound cluster, "inbound passthrough"). */
  readonly inboundForwardsToInstanceIp: boolean;
  /** Client ALPN for HTTP/1.1 over mTLS (istio.alpn filter): ["istio-http/1.1","istio"] in 1.8, plus "http/1.1" now. */
  readonly mtlsHttp11Alpn: readonly string[];
  /** Client ALPN for TCP over mTLS (metadata exchange on): ["istio-peer-exchange","istio"]. */
  readonly mtlsTcpAlpn: readonly string[];
  /** Address of the sds-grpc bootstrap cluster's host (a Unix socket path as /clusters prints it). */
  readonly sdsSocketPath: string;
  /** /clusters text starts each cluster with `::observability_name::` (≈1.12+, Envoy ≥1.20). */
  readonly clustersObservabilityName: boolean;
  /** /clusters text lists `::eds_service_name::` for EDS clusters (≈1.20+). */
  readonly clustersEdsServiceName: boolean;
  /** Envoy's CDS log line: "cds: add N cluster(s), remove M cluster(s)" or the newer "cds: response indicates …". */
  readonly cdsLogStyle: "add-remove" | "response-indicates";

  // --- Envoy's local reply for upstream failures ---
  /** "retried and the latest " appears after Istio's default retries (≈1.14+, absent in 1.8.4/1.10.3, present in 1.18). */
  readonly upstreamResetRetriedPrefix: boolean;
  /** Reset reason "connection failure" (≤1.19) or "remote connection failure" (≈1.20+). */
  readonly connectionFailureReason: "connection failure" | "remote connection failure";
  /** TLS failure reason format: "TLS error: CODE:lib:func:REASON" (old) or "TLS_error:|CODE:lib:func:REASON:TLS_error_end". */
  readonly tlsFailureFormat: "classic" | "pipe-delimited";
  /** Refused connections carry "delayed connect error: 111" (≈1.11+) / "…: Connection refused" (≈1.26+), nothing in 1.8. */
  readonly refusedConnectDetail: "none" | "errno" | "strerror";
  /** Envoy 1.38.1+ no longer puts the transport failure reason in the 503 body (Istio 1.30.1+, envoy release/v1.38). */
  readonly hideTransportFailureReason: boolean;
}

/** Thrown for a version string the lab does not model. */
export class UnsupportedIstioVersionError extends Error {
  override name = "UnsupportedIstioVersionError";
}

/** Oldest and newest minor releases the lab models. */
export const SUPPORTED_MINORS = { oldest: 8, newest: 30 } as const;

/** Parses "1.8.1" (also "1.8") and derives the data plane profile of that release. */
export const dataPlaneProfile = (istioVersion: string): DataPlaneProfile => {
  const m = /^1\.(\d{1,2})(?:\.(\d{1,2}))?$/.exec(istioVersion.trim());
  if (!m) throw new UnsupportedIstioVersionError(`not an Istio version: "${istioVersion}" (expected 1.MINOR.PATCH)`);
  const minor = Number(m[1]);
  const patch = Number(m[2] ?? 0);
  if (minor < SUPPORTED_MINORS.oldest || minor > SUPPORTED_MINORS.newest) {
    throw new UnsupportedIstioVersionError(
      `Istio ${istioVersion} is outside the releases the lab models (1.${SUPPORTED_MINORS.oldest}.x to 1.${SUPPORTED_MINORS.newest}.x)`,
    );
  }
  const ge = (n: number) => minor >= n;
  return {
    istioVersion: `1.${minor}.${patch}`,
    minor,
    patch,
    envoyVersion: `1.${minor + 8}`,
    captureGeneration: minor === 8 ? "1.8" : ge(25) ? "1.25" : "1.9",
    inboundSshReturn: !ge(13),
    dnsConntrackZones: ge(10),
    loopbackRedirectExcludesTunnelPort: ge(18),
    cleanOnStop: ge(10),
    cleanupCommand: minor === 8 ? "istio-clean-iptables" : "cleanup-only",
    dnsListen:
      minor === 8
        ? { host: "0.0.0.0", logAddress: "0.0.0.0:15053" }
        : ge(12)
          ? { host: "127.0.0.1", logAddress: "127.0.0.1:15053" }
          : { host: "127.0.0.1", logAddress: "localhost:15053" },
    dnsLogScope: minor === 8 ? "" : "dns",
    dnsLogPreposition: ge(12) ? "on" : "at",
    dnsRcodeBeforeSync: minor === 8 ? "NXDOMAIN" : "SERVFAIL",
    dnsRcodeUpstreamFailure: minor === 8 ? "NXDOMAIN" : "SERVFAIL",
    dnsRequireAnswerRecords: minor === 8,
    dnsKnownHostNoDataRcode: ge(10) ? "NOERROR" : "NXDOMAIN",
    dnsUpstreamTimeoutMs: ge(25) ? 5000 : 2000,
    inboundForwardsToInstanceIp: ge(10),
    mtlsHttp11Alpn: minor === 8 ? ["istio-http/1.1", "istio"] : ["istio-http/1.1", "istio", "http/1.1"],
    mtlsTcpAlpn: ["istio-peer-exchange", "istio"],
    sdsSocketPath: ge(14) ? "./var/run/secrets/workload-spiffe-uds/socket" : "./etc/istio/proxy/SDS",
    clustersObservabilityName: ge(12),
    clustersEdsServiceName: ge(20),
    cdsLogStyle: ge(20) ? "response-indicates" : "add-remove",
    upstreamResetRetriedPrefix: ge(14),
    connectionFailureReason: ge(20) ? "remote connection failure" : "connection failure",
    tlsFailureFormat: ge(21) ? "pipe-delimited" : "classic",
    refusedConnectDetail: minor === 8 ? "none" : ge(26) ? "strerror" : ge(11) ? "errno" : "none",
    hideTransportFailureReason: minor > 30 || (minor === 30 && patch >= 1),
  };
};
