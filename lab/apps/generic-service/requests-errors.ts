// How the `requests` library (with urllib3 1.26) words the errors the original logs as
// "Failed reaching <url> - <error>", rebuilt from a Node.js error.
import { randomBytes } from "node:crypto";
import { pyStr } from "./python-repr.js";

/** Where a failed call was going: what urllib3 names in its messages. */
export interface CallTarget {
  scheme: "http" | "https";
  host: string;
  port: number;
  /** Path and query, as sent. */
  requestUri: string;
}

// CPython prints object addresses like 0x7f3a1c2b5d60.
const objectAddress = (): string => `0x7f${randomBytes(5).toString("hex").slice(0, 9)}0`;

const errnoText: Record<string, string> = {
  ECONNREFUSED: "[Errno 111] Connection refused",
  ETIMEDOUT: "[Errno 110] Connection timed out",
  EHOSTUNREACH: "[Errno 113] No route to host",
  ENETUNREACH: "[Errno 101] Network is unreachable",
  EADDRNOTAVAIL: "[Errno 99] Cannot assign requested address",
  ENOTFOUND: "[Errno -2] Name or service not known",
  EAI_AGAIN: "[Errno -3] Temporary failure in name resolution",
  EAI_NODATA: "[Errno -5] No address associated with hostname",
};

const tlsReasons: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unable to get local issuer certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unable to get local issuer certificate",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self signed certificate in certificate chain",
  CERT_HAS_EXPIRED: "certificate has expired",
};

const poolName = (target: CallTarget): string =>
  `${target.scheme === "https" ? "HTTPS" : "HTTP"}ConnectionPool(host=${pyStr(target.host)}, port=${target.port})`;

const maxRetries = (target: CallTarget, cause: string): string =>
  `${poolName(target)}: Max retries exceeded with url: ${target.requestUri} (Caused by ${cause})`;

const connectionClass = (target: CallTarget): string =>
  target.scheme === "https" ? "urllib3.connection.HTTPSConnection" : "urllib3.connection.HTTPConnection";

const tlsCause = (error: NodeJS.ErrnoException, target: CallTarget): string => {
  const code = error.code ?? "";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `SSLError(SSLCertVerificationError(1, ${pyStr(`[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for '${target.host}'. (_ssl.c:1123)`)}))`;
  }
  const reason = tlsReasons[code];
  if (reason) return `SSLError(SSLCertVerificationError(1, ${pyStr(`[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${reason} (_ssl.c:1123)`)}))`;
  const opensslReason = /routines:[^:]*:([^:]+)/.exec(error.message)?.[1] ?? error.message;
  return `SSLError(SSLError(1, ${pyStr(`[SSL] ${opensslReason} (_ssl.c:1123)`)}))`;
};

/** The message for an error that happened before any response arrived (connect, DNS, TLS, reset, early close). */
export const describeRequestError = (error: NodeJS.ErrnoException, target: CallTarget): string => {
  const code = error.code ?? "";
  const connectFailure = errnoText[code];
  if (connectFailure && (error as { syscall?: string }).syscall !== "read") {
    return maxRetries(target, `NewConnectionError(${pyStr(`<${connectionClass(target)} object at ${objectAddress()}>: Failed to establish a new connection: ${connectFailure}`)})`);
  }
  if (target.scheme === "https" && (code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || /SSL|certificate|self.signed/i.test(code))) {
    return maxRetries(target, tlsCause(error, target));
  }
  if (code === "ECONNRESET" && error.message === "socket hang up") {
    return "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))";
  }
  if (code === "ECONNRESET") return "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))";
  if (code === "EPIPE") return "('Connection aborted.', BrokenPipeError(32, 'Broken pipe'))";
  return `('Connection aborted.', OSError(${pyStr(code ? `${code}: ${error.message}` : error.message)}))`;
};

/** The message when the connection broke while the body was read (`received` of `expected` bytes, if known). */
export const describeBodyError = (received: number, expected: number | undefined): string => {
  if (expected !== undefined && received < expected) {
    const inner = `IncompleteRead(${received} bytes read, ${expected - received} more expected)`;
    return `('Connection broken: ${inner}', ${inner})`;
  }
  return `("Connection broken: ConnectionResetError(104, 'Connection reset by peer')", ConnectionResetError(104, 'Connection reset by peer'))`;
};

/** The message when a compressed body cannot be decoded. */
export const describeDecodeError = (encoding: string, error: NodeJS.ErrnoException): string =>
  `('Received response with content-encoding: ${encoding}, but failed to decode it.', error(${pyStr(`Error ${error.errno ?? -3} while decompressing data: ${error.message}`)}))`;
