// Dialing istiod like pilot-agent's gRPC clients: resolve the name (getaddrinfo: /etc/hosts first, then the resolvers
// of resolv.conf), connect TCP, TLS-verify istiod's certificate against the mesh root with the dialed name as server
// name, then HTTP/2. Failures carry the text grpc-go would put in `connection error: desc = "…"`.
import { readFile } from "node:fs/promises";
import { lookup } from "node:dns/promises";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";

/** A dial failure with Go's wording (`transport: Error while dialing dial tcp …: connect: connection refused`). */
export class DialError extends Error {
  override name = "DialError";
  constructor(
    /** The desc grpc-go reports. */
    readonly desc: string,
    /** True for network-level failures (Unavailable), false for TLS verification failures (also Unavailable in gRPC). */
    readonly network: boolean,
  ) {
    super(desc);
  }
}

/** Splits `host:port`. */
export const splitHostPort = (address: string): { host: string; port: number } => {
  const at = address.lastIndexOf(":");
  if (at <= 0) return { host: address, port: 15012 };
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
};

/** The first nameserver of a resolv.conf (what Go's resolver names in `lookup X on NS:53`). */
export const firstNameserver = async (resolvConf = "/etc/resolv.conf"): Promise<string> => {
  try {
    const m = /^\s*nameserver\s+(\S+)/m.exec(await readFile(resolvConf, "utf8"));
    return m ? `${m[1]}:53` : "127.0.0.1:53";
  } catch {
    return "127.0.0.1:53";
  }
};

/** Maps a Node TLS verification error to crypto/x509's message. */
export const x509Message = (error: NodeJS.ErrnoException & { reason?: string }, serverName: string, certNames: string[]): string => {
  switch (error.code) {
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "CERT_SIGNATURE_FAILURE":
      return "x509: certificate signed by unknown authority";
    case "CERT_HAS_EXPIRED":
    case "CERT_NOT_YET_VALID":
      return "x509: certificate has expired or is not yet valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `x509: certificate is valid for ${certNames.join(", ")}, not ${serverName}`;
    default:
      return error.message;
  }
};

/** Options of dialIstiod. */
export interface DialOptions {
  /** host:port as configured (CA_ADDR / discoveryAddress). */
  address: string;
  rootPem: string;
  /** Client certificate (mesh mTLS) when the agent has one. */
  client?: { certPem: string; keyPem: string };
  /** Connect timeout (grpc-go's dial deadline). */
  timeoutMs?: number;
  /** TLS server name when it differs from the dialed host (tls.Config.ServerName; tests dialing a pod IP). */
  serverName?: string;
  resolvConf?: string;
}

/** Connects to istiod; resolves with an HTTP/2 session or throws DialError. */
export const dialIstiod = async (o: DialOptions): Promise<http2.ClientHttp2Session> => {
  const { host, port } = splitHostPort(o.address);
  const timeoutMs = o.timeoutMs ?? 5000;
  let ip = host;
  if (!net.isIP(host)) {
    try {
      ip = (await lookup(host, { family: 4 })).address;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const server = await firstNameserver(o.resolvConf);
      const why = code === "ENOTFOUND" ? "no such host" : code === "EAI_AGAIN" ? "server misbehaving" : "i/o timeout";
      throw new DialError(`dial tcp: lookup ${host} on ${server}: ${why}`, true);
    }
  }
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: ip, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new DialError(`dial tcp ${ip}:${port}: i/o timeout`, true));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const text =
        error.code === "ECONNREFUSED"
          ? "connect: connection refused"
          : error.code === "EHOSTUNREACH"
            ? "connect: no route to host"
            : error.code === "ENETUNREACH"
              ? "connect: network is unreachable"
              : error.code === "ETIMEDOUT"
                ? "i/o timeout"
                : error.message;
      reject(new DialError(`dial tcp ${ip}:${port}: ${text}`, true));
    });
  });
  const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const t = tls.connect({
      socket,
      servername: o.serverName ?? (net.isIP(host) ? undefined : host),
      ca: o.rootPem,
      ALPNProtocols: ["h2"],
      ...(o.client ? { cert: o.client.certPem, key: o.client.keyPem } : {}),
      minVersion: "TLSv1.2",
    });
    const timer = setTimeout(() => {
      t.destroy();
      reject(new DialError("authentication handshake failed: context deadline exceeded", false));
    }, timeoutMs);
    t.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(t);
    });
    t.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const peer = t.getPeerCertificate?.();
      const names = String(peer?.subjectaltname ?? "")
        .split(/,\s*/)
        .filter((x) => x.startsWith("DNS:"))
        .map((x) => x.slice(4));
      const x509 = x509Message(error, o.serverName ?? host, names);
      if (x509.startsWith("x509:")) reject(new DialError(`authentication handshake failed: ${x509}`, false));
      else if (error.code === "ECONNRESET" || /socket disconnected|ECONNRESET/.test(error.message)) reject(new DialError("authentication handshake failed: EOF", false));
      else reject(new DialError(`authentication handshake failed: ${error.message}`, false));
    });
  });
  const session = http2.connect(`https://${host}:${port}`, { createConnection: () => secure });
  session.on("error", () => undefined);
  return session;
};
