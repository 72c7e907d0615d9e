// Envoy reports TLS failures with BoringSSL's packed error codes ("268435703:SSL routines:OPENSSL_internal:
// WRONG_VERSION_NUMBER"); Node runs on OpenSSL. This maps what OpenSSL tells Node to the BoringSSL reason Envoy would
// have printed, and formats it per Envoy release.
import type { DataPlaneProfile } from "./release.js";

/** A BoringSSL error (library SSL unless noted) as Envoy's drainErrorQueue prints it. */
export interface BoringSslError {
  /** ERR_PACK(lib, reason): lib 16 (SSL) << 24 | reason; lib 2 for system errors. */
  code: number;
  library: "SSL routines" | "system library";
  reason: string;
}

const ERR_LIB_SSL = 16;
const ERR_LIB_SYS = 2;
const ssl = (reason: number, name: string): BoringSslError => ({ code: ERR_LIB_SSL * 2 ** 24 + reason, library: "SSL routines", reason: name });

/** BoringSSL reason codes (include/openssl/ssl.h) the lab can produce. */
export const BORINGSSL = {
  WRONG_VERSION_NUMBER: ssl(247, "WRONG_VERSION_NUMBER"),
  CERTIFICATE_VERIFY_FAILED: ssl(125, "CERTIFICATE_VERIFY_FAILED"),
  PEER_DID_NOT_RETURN_A_CERTIFICATE: ssl(140, "PEER_DID_NOT_RETURN_A_CERTIFICATE"),
  NO_SHARED_CIPHER: ssl(184, "NO_SHARED_CIPHER"),
  UNEXPECTED_RECORD: ssl(255, "UNEXPECTED_RECORD"),
  // TLS alerts received from the peer: SSL_AD_REASON_OFFSET (1000) + alert number.
  SSLV3_ALERT_HANDSHAKE_FAILURE: ssl(1040, "SSLV3_ALERT_HANDSHAKE_FAILURE"),
  SSLV3_ALERT_BAD_CERTIFICATE: ssl(1042, "SSLV3_ALERT_BAD_CERTIFICATE"),
  SSLV3_ALERT_CERTIFICATE_EXPIRED: ssl(1045, "SSLV3_ALERT_CERTIFICATE_EXPIRED"),
  SSLV3_ALERT_CERTIFICATE_UNKNOWN: ssl(1046, "SSLV3_ALERT_CERTIFICATE_UNKNOWN"),
  TLSV1_ALERT_UNKNOWN_CA: ssl(1048, "TLSV1_ALERT_UNKNOWN_CA"),
  TLSV1_ALERT_ACCESS_DENIED: ssl(1049, "TLSV1_ALERT_ACCESS_DENIED"),
  TLSV1_ALERT_DECODE_ERROR: ssl(1050, "TLSV1_ALERT_DECODE_ERROR"),
  TLSV1_ALERT_DECRYPT_ERROR: ssl(1051, "TLSV1_ALERT_DECRYPT_ERROR"),
  TLSV1_ALERT_PROTOCOL_VERSION: ssl(1070, "TLSV1_ALERT_PROTOCOL_VERSION"),
  TLSV1_ALERT_INTERNAL_ERROR: ssl(1080, "TLSV1_ALERT_INTERNAL_ERROR"),
  TLSV1_CERTIFICATE_REQUIRED: ssl(1116, "TLSV1_CERTIFICATE_REQUIRED"),
  TLSV1_ALERT_NO_APPLICATION_PROTOCOL: ssl(1120, "TLSV1_ALERT_NO_APPLICATION_PROTOCOL"),
} as const;

/** A system error (ERR_LIB_SYS) as newer Envoy records it for resets during the handshake. */
export const systemError = (errno: number, text: string): BoringSslError => ({ code: ERR_LIB_SYS * 2 ** 24 + errno, library: "system library", reason: text });

/** Node/OpenSSL error codes → BoringSSL reason. */
const BY_NODE_CODE: Record<string, BoringSslError> = {
  ERR_SSL_WRONG_VERSION_NUMBER: BORINGSSL.WRONG_VERSION_NUMBER,
  ERR_SSL_PACKET_LENGTH_TOO_LONG: BORINGSSL.WRONG_VERSION_NUMBER,
  ERR_SSL_RECORD_LAYER_FAILURE: BORINGSSL.WRONG_VERSION_NUMBER,
  ERR_SSL_UNEXPECTED_RECORD: BORINGSSL.UNEXPECTED_RECORD,
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: BORINGSSL.SSLV3_ALERT_HANDSHAKE_FAILURE,
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: BORINGSSL.SSLV3_ALERT_BAD_CERTIFICATE,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: BORINGSSL.SSLV3_ALERT_CERTIFICATE_EXPIRED,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: BORINGSSL.SSLV3_ALERT_CERTIFICATE_UNKNOWN,
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: BORINGSSL.TLSV1_ALERT_UNKNOWN_CA,
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: BORINGSSL.TLSV1_ALERT_ACCESS_DENIED,
  ERR_SSL_TLSV1_ALERT_DECODE_ERROR: BORINGSSL.TLSV1_ALERT_DECODE_ERROR,
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: BORINGSSL.TLSV1_ALERT_DECRYPT_ERROR,
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: BORINGSSL.TLSV1_ALERT_PROTOCOL_VERSION,
  ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR: BORINGSSL.TLSV1_ALERT_INTERNAL_ERROR,
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: BORINGSSL.TLSV1_CERTIFICATE_REQUIRED,
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: BORINGSSL.TLSV1_ALERT_NO_APPLICATION_PROTOCOL,
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: BORINGSSL.PEER_DID_NOT_RETURN_A_CERTIFICATE,
  ERR_SSL_NO_SHARED_CIPHER: BORINGSSL.NO_SHARED_CIPHER,
};

/** X.509 verification failures Node reports with these codes; BoringSSL reports CERTIFICATE_VERIFY_FAILED for all. */
const VERIFY_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_PURPOSE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_LAB_SAN_MISMATCH",
]);

/** A TLS handshake failure classified like Envoy: the BoringSSL error(s) plus the validator's detail, if any. */
export interface TlsFailure {
  errors: BoringSslError[];
  /** Envoy's certificate validator detail ("verify cert failed: SAN matcher"), printed by newer releases. */
  detail?: string;
}

/** Classifies a Node TLS error; undefined when it is not a TLS-level failure (EOF, reset, refused). */
export const classifyTlsError = (error: NodeJS.ErrnoException): TlsFailure | undefined => {
  const code = error.code ?? "";
  if (code === "ERR_LAB_SAN_MISMATCH") return { errors: [BORINGSSL.CERTIFICATE_VERIFY_FAILED], detail: "verify cert failed: SAN matcher" };
  if (VERIFY_CODES.has(code)) return { errors: [BORINGSSL.CERTIFICATE_VERIFY_FAILED] };
  const mapped = BY_NODE_CODE[code];
  if (mapped) return { errors: [mapped] };
  if (code.startsWith("ERR_SSL_")) {
    // An OpenSSL reason the table does not know: keep its name, as BoringSSL names mostly match OpenSSL's.
    return { errors: [{ code: ERR_LIB_SSL * 2 ** 24, library: "SSL routines", reason: code.slice("ERR_SSL_".length) }] };
  }
  return undefined;
};

/** Envoy's transport failure reason text for a TLS failure, in the release's format:
 * classic   "TLS error: 268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER"
 * pipe      "TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end" */
export const tlsFailureReason = (failure: TlsFailure, profile: DataPlaneProfile): string => {
  if (profile.tlsFailureFormat === "classic") {
    return `TLS error:${failure.errors.map((e) => ` ${e.code}:${e.library}:OPENSSL_internal:${e.reason}`).join("")}`;
  }
  const body = failure.errors.map((e) => `|${e.code}:${e.library}:OPENSSL_internal:${e.reason}`).join("");
  return `TLS_error:${body}${failure.detail ? `:${failure.detail}` : ""}:TLS_error_end`;
};
