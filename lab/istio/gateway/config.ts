// What istiod pushes to a gateway (pilot-agent `proxy router`): one listener per port of the Gateway resources that
// select the gateway's labels, with the routes of the VirtualServices bound to them. Plain data, validated at the entry.

/** Gateway server protocols (networking.istio.io Port.protocol, upper-cased). */
export type GatewayProtocol = "HTTP" | "HTTPS" | "HTTP2" | "GRPC" | "TCP" | "TLS" | "MONGO";

/** Server TLS modes (ServerTLSSettings.mode). */
export type GatewayTlsMode = "PASSTHROUGH" | "SIMPLE" | "MUTUAL" | "AUTO_PASSTHROUGH" | "ISTIO_MUTUAL";

/** Where a route sends traffic: a mesh host (FQDN) and optionally its port. */
export interface RouteDestination {
  host: string;
  port?: number;
}

/** One route of a VirtualService bound to the listener's gateway. */
export interface GatewayRoute {
  kind: "tcp" | "tls" | "http";
  /** tls routes: the SNI names this route matches ("*" matches all). */
  sniHosts?: string[];
  /** http routes: the VirtualService's hosts (authority match). */
  hosts?: string[];
  destination: RouteDestination;
  /** namespace/name of the VirtualService, for logs and config_dump. */
  virtualService: string;
}

/** One listener of the gateway: the Gateway server's port, mapped to the gateway Service's targetPort. */
export interface GatewayListenerConfig {
  /** Port the gateway pod listens on (the targetPort of the gateway Service port with this number, else the number). */
  port: number;
  /** The Gateway server's port number (what clients dial on the Service/LoadBalancer). */
  serverPort: number;
  /** Name of the Gateway server port. */
  name: string;
  protocol: GatewayProtocol;
  tlsMode?: GatewayTlsMode;
  hosts: string[];
  routes: GatewayRoute[];
  /** namespace/name of the Gateway resource(s) that declared this port. */
  gateways: string[];
}

/** The router part of a snapshot. */
export interface GatewayConfig {
  /** ISTIO_META_ROUTER_MODE of the gateway ("standard" or "sni-dnat"). */
  routerMode: "standard" | "sni-dnat";
  listeners: GatewayListenerConfig[];
}

const PROTOCOLS = new Set<GatewayProtocol>(["HTTP", "HTTPS", "HTTP2", "GRPC", "TCP", "TLS", "MONGO"]);

/** Normalizes a Gateway port protocol ("tls" → "TLS"); undefined for unknown ones. */
export const gatewayProtocol = (value: unknown): GatewayProtocol | undefined => {
  const p = String(value ?? "").toUpperCase() as GatewayProtocol;
  return PROTOCOLS.has(p) ? p : undefined;
};

/** Thrown for a malformed gateway configuration. */
export class GatewayConfigError extends Error {
  override name = "GatewayConfigError";
}

/** Checks the shape of a pushed gateway configuration. */
export const validateGatewayConfig = (value: unknown): GatewayConfig => {
  const v = value as GatewayConfig | undefined;
  if (!v || typeof v !== "object" || !Array.isArray(v.listeners)) throw new GatewayConfigError("gateway: expected {routerMode, listeners[]}");
  if (v.routerMode !== "standard" && v.routerMode !== "sni-dnat") throw new GatewayConfigError(`gateway.routerMode: unknown mode ${String(v.routerMode)}`);
  v.listeners.forEach((l, i) => {
    if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535) throw new GatewayConfigError(`gateway.listeners[${i}].port: expected a port number`);
    if (!PROTOCOLS.has(l.protocol)) throw new GatewayConfigError(`gateway.listeners[${i}].protocol: unknown ${String(l.protocol)}`);
    if (!Array.isArray(l.routes)) throw new GatewayConfigError(`gateway.listeners[${i}].routes: expected an array`);
  });
  return v;
};
