// Istio's default sidecar access log line (meshConfig.accessLogFile with the TEXT format):
// [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
// %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED%
// %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
// "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS%
// %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%

/** Fields of one access log entry (absent values print "-"). */
export interface AccessLogEntry {
  start: Date;
  method: string;
  path: string;
  /** "HTTP/1.1", or "-" for TCP. */
  protocol: string;
  status: number;
  flags: string;
  details: string;
  transportFailureReason: string;
  bytesReceived: number;
  bytesSent: number;
  durationMs: number;
  upstreamServiceTime: string;
  forwardedFor?: string | string[];
  userAgent?: string | string[];
  requestId?: string | string[];
  authority?: string | string[];
  upstreamHost?: string;
  upstreamCluster?: string;
  upstreamLocal?: string;
  downstreamLocal: string;
  downstreamRemote: string;
  requestedServerName?: string;
  routeName?: string;
}

const dash = (v: string | string[] | undefined): string => (v === undefined || v === "" ? "-" : Array.isArray(v) ? v.join(",") : v);

/** Formats the line (no trailing newline). */
export const formatAccessLog = (e: AccessLogEntry): string =>
  `[${e.start.toISOString()}] "${e.method} ${e.path} ${e.protocol}" ${e.status} ${e.flags || "-"} ${e.details.replace(/ /g, "_")} - ` +
  `"${dash(e.transportFailureReason)}" ${e.bytesReceived} ${e.bytesSent} ${e.durationMs} ${e.upstreamServiceTime} ` +
  `"${dash(e.forwardedFor)}" "${dash(e.userAgent)}" "${dash(e.requestId)}" "${dash(e.authority)}" "${dash(e.upstreamHost)}" ` +
  `${dash(e.upstreamCluster)} ${dash(e.upstreamLocal)} ${e.downstreamLocal} ${e.downstreamRemote} ${dash(e.requestedServerName)} ${dash(e.routeName)}`;
