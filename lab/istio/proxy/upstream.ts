// Connecting to an upstream host like Envoy's connection pool does: TCP connect (optionally from 127.0.0.6), then, for
// mTLS, a TLS handshake with the workload certificate, SNI outbound_.PORT_._.FQDN, Istio's ALPN list and the server's
// SPIFFE identity checked against the expected service accounts. Failures become Envoy reset reasons.
import net from "node:net";
import tls from "node:tls";
import type { DataPlaneProfile } from "./release.js";
import { classifyTlsError, systemError, tlsFailureReason } from "./tls-errors.js";

/** Envoy's stream reset reasons (Http::Utility::resetReasonToString) the lab produces. */
export type ResetReason = "connection failure" | "remote connection failure" | "local connection failure" | "connection timeout" | "connection termination" | "protocol error";

/** Why an upstream request did not get response headers. */
export interface UpstreamFailure {
  resetReason: ResetReason;
  /** %UPSTREAM_TRANSPORT_FAILURE_REASON% ("" when there is none). */
  transportFailureReason: string;
  /** Envoy response flag: UF (connect failure), UC (termination), UPE (protocol error). */
  flag: "UF" | "UC" | "UPE";
}

/** Error carrying an UpstreamFailure (what the router turns into a 503). */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(
    readonly failure: UpstreamFailure,
    override readonly cause?: unknown,
  ) {
    super(`${failure.resetReason}${failure.transportFailureReason ? `, transport failure reason: ${failure.transportFailureReason}` : ""}`);
  }
}

/** mTLS settings of an upstream connection (the cluster's transport socket). */
export interface UpstreamTls {
  secureContext: tls.SecureContext;
  sni: string;
  alpn: readonly string[];
  /** Accepted SPIFFE URIs of the server; empty = any certificate that chains to the roots. */
  expectedSans: readonly string[];
}

/** Where and how to connect. */
export interface UpstreamTarget {
  address: string;
  port: number;
  /** Bind this source address (127.0.0.6 for inbound passthrough). */
  localAddress?: string;
  tls?: UpstreamTls;
}

/** Istio's default cluster connect timeout (10 s). */
export const CONNECT_TIMEOUT_MS = 10_000;

const refusedDetail = (profile: DataPlaneProfile): string =>
  profile.refusedConnectDetail === "errno" ? "delayed connect error: 111" : profile.refusedConnectDetail === "strerror" ? "delayed connect error: Connection refused" : "";

/** Classifies a failure that happened before the connection was usable (TCP connect or TLS handshake). */
export const connectFailure = (error: NodeJS.ErrnoException, profile: DataPlaneProfile): UpstreamFailure => {
  const base = { resetReason: profile.connectionFailureReason as ResetReason, flag: "UF" as const };
  if (error.code === "ETIMEDOUT" || error.code === "ERR_LAB_CONNECT_TIMEOUT") {
    return { ...base, resetReason: profile.connectionFailureReason === "connection failure" ? "connection failure" : "connection timeout", transportFailureReason: "" };
  }
  if (error.code === "ECONNREFUSED") return { ...base, transportFailureReason: refusedDetail(profile) };
  const tlsFailure = classifyTlsError(error);
  if (tlsFailure) return { ...base, transportFailureReason: tlsFailureReason(tlsFailure, profile) };
  if (error.code === "ECONNRESET" && error.syscall === "read" && profile.tlsFailureFormat === "pipe-delimited" && (error as { tlsHandshake?: boolean }).tlsHandshake) {
    return { ...base, transportFailureReason: tlsFailureReason({ errors: [systemError(104, "Connection reset by peer")] }, profile) };
  }
  return { ...base, transportFailureReason: "" };
};

/** Classifies a failure after the connection was up but before response headers arrived. */
export const terminationFailure = (error: NodeJS.ErrnoException | undefined, profile: DataPlaneProfile): UpstreamFailure => {
  if (error?.code === "HPE_INVALID_CONSTANT" || error?.code?.startsWith("HPE_")) {
    return { resetReason: "protocol error", transportFailureReason: "", flag: "UPE" };
  }
  const tlsFailure = error ? classifyTlsError(error) : undefined;
  return { resetReason: "connection termination", transportFailureReason: tlsFailure ? tlsFailureReason(tlsFailure, profile) : "", flag: "UC" };
};

const sanMismatch = (expected: readonly string[], presented: string[]): Error => {
  const error = new Error(`server identity ${presented.join(",") || "(no SPIFFE URI)"} is not one of ${expected.join(",")}`) as NodeJS.ErrnoException;
  error.code = "ERR_LAB_SAN_MISMATCH";
  return error;
};

const peerUris = (cert: tls.PeerCertificate): string[] =>
  (cert.subjectaltname ?? "")
    .split(/,\s*/)
    .filter((e) => e.startsWith("URI:"))
    .map((e) => e.slice(4));

/** Opens a connection to `target` and resolves once it can carry data (after the mTLS handshake and identity check);
 * rejects with UpstreamError(UF…) otherwise. */
export const connectUpstream = (target: UpstreamTarget, profile: DataPlaneProfile, timeoutMs = CONNECT_TIMEOUT_MS): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    let settled = false;
    const raw = net.connect({ host: target.address, port: target.port, localAddress: target.localAddress });
    let current: net.Socket = raw;
    const timer = setTimeout(() => {
      const error = new Error(`connect timeout to ${target.address}:${target.port}`) as NodeJS.ErrnoException;
      error.code = "ERR_LAB_CONNECT_TIMEOUT";
      fail(error);
    }, timeoutMs);
    const fail = (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      current.destroy();
      raw.destroy();
      reject(new UpstreamError(connectFailure(error, profile), error));
    };
    const succeed = (socket: net.Socket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener("error", onError);
      socket.removeListener("error", onTlsError);
      resolve(socket);
    };
    const onError = (error: NodeJS.ErrnoException) => fail(error);
    const onTlsError = (error: NodeJS.ErrnoException & { tlsHandshake?: boolean }) => {
      error.tlsHandshake = true;
      fail(error);
    };
    raw.once("error", onError);
    raw.once("connect", () => {
      raw.removeListener("error", onError);
      if (!target.tls) {
        succeed(raw);
        return;
      }
      const t = target.tls;
      const secure = tls.connect({
        socket: raw,
        secureContext: t.secureContext,
        servername: t.sni,
        ALPNProtocols: [...t.alpn],
        rejectUnauthorized: true,
        checkServerIdentity: (_host, cert) => {
          if (t.expectedSans.length === 0) return undefined;
          const presented = peerUris(cert);
          return presented.some((u) => t.expectedSans.includes(u)) ? undefined : sanMismatch(t.expectedSans, presented);
        },
      });
      current = secure;
      secure.on("error", onTlsError);
      // EOF during the handshake: Node reports ECONNRESET "socket disconnected before secure TLS connection".
      secure.once("secureConnect", () => succeed(secure));
    });
  });
