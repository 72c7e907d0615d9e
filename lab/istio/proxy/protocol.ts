// Protocol selection of a service port as Istio does it: appProtocol, else the port name's prefix before "-"
// (pkg/config/protocol). Unrecognised names mean "detect it" (protocol sniffing of the first bytes).
import type { ServicePort } from "./config.js";

/** How the proxy handles a port: HTTP/1.x at the request level, raw TCP, or sniff the first bytes. */
export type PortHandling = "http" | "tcp" | "sniff";

/** Istio protocol names (subset the lab distinguishes). */
export type IstioProtocol = "HTTP" | "HTTP2" | "GRPC" | "GRPC-Web" | "HTTPS" | "TCP" | "TLS" | "UDP" | "Mongo" | "Redis" | "MySQL" | "Thrift" | "UnsupportedProtocol";

const BY_NAME: Record<string, IstioProtocol> = {
  http: "HTTP",
  http2: "HTTP2",
  grpc: "GRPC",
  "grpc-web": "GRPC-Web",
  https: "HTTPS",
  tcp: "TCP",
  tls: "TLS",
  udp: "UDP",
  mongo: "Mongo",
  redis: "Redis",
  mysql: "MySQL",
  thrift: "Thrift",
};

/** Istio's protocol of a port (appProtocol wins; then the name, whole or up to the first "-"). */
export const portProtocol = (port: Pick<ServicePort, "name" | "appProtocol">): IstioProtocol => {
  const fromApp = port.appProtocol ? BY_NAME[port.appProtocol.toLowerCase()] : undefined;
  if (fromApp) return fromApp;
  const name = port.name.toLowerCase();
  if (name === "grpc-web" || name.startsWith("grpc-web-")) return "GRPC-Web";
  return BY_NAME[name] ?? BY_NAME[name.split("-")[0] ?? ""] ?? "UnsupportedProtocol";
};

/** How the lab's proxy carries a port: HTTP/1.1 ports at the request level; HTTP/2 and gRPC as bytes (no HTTP/2
 * routing in the lab); unnamed ports are sniffed. */
export const portHandling = (port: Pick<ServicePort, "name" | "appProtocol">): PortHandling => {
  const p = portProtocol(port);
  if (p === "HTTP") return "http";
  if (p === "UnsupportedProtocol") return "sniff";
  return "tcp";
};

const METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"];

/** Envoy's http_inspector in short: do the first bytes start an HTTP/1.x request line? (undefined: need more bytes) */
export const looksLikeHttp1 = (head: Buffer): boolean | undefined => {
  const text = head.toString("latin1");
  const space = text.indexOf(" ");
  if (space < 0) return METHODS.some((m) => m.startsWith(text)) && text.length < 8 ? undefined : false;
  if (!METHODS.includes(text.slice(0, space))) return false;
  const eol = text.indexOf("\r\n");
  if (eol < 0) return text.length < 4096 ? undefined : false;
  return / HTTP\/1\.[01]$/.test(text.slice(0, eol));
};
