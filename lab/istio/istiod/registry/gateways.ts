// A gateway proxy's listeners as istiod builds them: the servers of every Gateway whose selector matches the
// gateway's labels, one listener per port (mapped to the gateway Service's targetPort), with the tcp/tls/http routes
// of the VirtualServices bound to that Gateway (gateways: [name] in the VirtualService's namespace, or ns/name).
import { gatewayProtocol, type GatewayConfig, type GatewayListenerConfig, type GatewayRoute, type GatewayTlsMode } from "../../gateway/config.js";
import type { KubeJson } from "../kube/rest.js";
import { selectorMatches } from "./services.js";
import type { ConfigStore } from "./store.js";

/** Resolves a VirtualService destination host: short names are relative to the VirtualService's namespace. */
export const resolveHost = (host: string, namespace: string, domain: string): string => {
  if (host.includes("*")) return host;
  const parts = host.split(".");
  if (parts.length === 1) return `${host}.${namespace}.svc.${domain}`;
  if (parts.length === 2) return `${host}.svc.${domain}`;
  return host;
};

/** Whether a VirtualService binds `gateway` (namespace/name). */
const bindsGateway = (vs: KubeJson, gateway: string): boolean => {
  const ns = String(vs["metadata"]["namespace"]);
  return ((vs["spec"]?.["gateways"] ?? []) as string[]).some((g) => (g.includes("/") ? g : `${ns}/${g}`) === gateway);
};

/** Whether a route match applies to `port` (a match without port applies to every port). */
const matchesPort = (matches: KubeJson[] | undefined, port: number): KubeJson[] | undefined => {
  if (!matches?.length) return [{}];
  const hit = matches.filter((m) => m["port"] === undefined || Number(m["port"]) === port);
  return hit.length ? hit : undefined;
};

const routesFor = (store: ConfigStore, gateway: string, serverPort: number, domain: string): GatewayRoute[] => {
  const routes: GatewayRoute[] = [];
  for (const vs of store.list("virtualservices")) {
    if (!bindsGateway(vs, gateway)) continue;
    const ns = String(vs["metadata"]["namespace"]);
    const name = `${ns}/${vs["metadata"]["name"]}`;
    const first = (route: KubeJson) => ((route["route"] ?? []) as KubeJson[])[0]?.["destination"];
    for (const r of (vs["spec"]?.["tcp"] ?? []) as KubeJson[]) {
      const d = first(r);
      if (d && matchesPort(r["match"], serverPort)) routes.push({ kind: "tcp", destination: { host: resolveHost(String(d["host"]), ns, domain), port: d["port"]?.["number"] }, virtualService: name });
    }
    for (const r of (vs["spec"]?.["tls"] ?? []) as KubeJson[]) {
      const d = first(r);
      const matches = matchesPort(r["match"], serverPort);
      if (d && matches) {
        routes.push({ kind: "tls", sniHosts: matches.flatMap((m) => (m["sniHosts"] ?? ["*"]) as string[]), destination: { host: resolveHost(String(d["host"]), ns, domain), port: d["port"]?.["number"] }, virtualService: name });
      }
    }
    for (const r of (vs["spec"]?.["http"] ?? []) as KubeJson[]) {
      const d = first(r);
      if (d && matchesPort(r["match"], serverPort)) routes.push({ kind: "http", hosts: (vs["spec"]?.["hosts"] ?? []) as string[], destination: { host: resolveHost(String(d["host"]), ns, domain), port: d["port"]?.["number"] }, virtualService: name });
    }
  }
  return routes;
};

/** The targetPort of the gateway's Service port `port` (Services of the gateway's namespace selecting its labels). */
const targetPortOf = (store: ConfigStore, namespace: string, labels: Record<string, string>, port: number): number => {
  for (const svc of store.list("services")) {
    if (svc["metadata"]["namespace"] !== namespace || !selectorMatches(svc["spec"]?.["selector"], labels)) continue;
    const p = ((svc["spec"]?.["ports"] ?? []) as KubeJson[]).find((x) => Number(x["port"]) === port);
    if (p) return typeof p["targetPort"] === "number" ? p["targetPort"] : port;
  }
  return port;
};

/** The gateway configuration of a router proxy with `labels` in `namespace`. */
export const buildGatewayConfig = ({
  store,
  labels,
  namespace,
  routerMode,
  domain,
}: {
  store: ConfigStore;
  labels: Record<string, string>;
  namespace: string;
  routerMode: GatewayConfig["routerMode"];
  domain: string;
}): GatewayConfig => {
  const byPort = new Map<number, GatewayListenerConfig>();
  const gateways = store.list("gateways").sort((a, b) => String(a["metadata"]["creationTimestamp"] ?? "").localeCompare(String(b["metadata"]["creationTimestamp"] ?? "")));
  for (const gw of gateways) {
    if (!selectorMatches(gw["spec"]?.["selector"], labels)) continue;
    const gwName = `${gw["metadata"]["namespace"]}/${gw["metadata"]["name"]}`;
    for (const server of (gw["spec"]?.["servers"] ?? []) as KubeJson[]) {
      const number = Number(server["port"]?.["number"]);
      const protocol = gatewayProtocol(server["port"]?.["protocol"]);
      if (!Number.isInteger(number) || !protocol) continue;
      const port = targetPortOf(store, namespace, labels, number);
      const existing = byPort.get(port);
      if (existing) {
        existing.gateways.push(gwName);
        existing.hosts.push(...((server["hosts"] ?? []) as string[]));
        existing.routes.push(...routesFor(store, gwName, number, domain));
        continue;
      }
      const tlsMode = server["tls"]?.["mode"] as GatewayTlsMode | undefined;
      byPort.set(port, {
        port,
        serverPort: number,
        name: String(server["port"]?.["name"] ?? ""),
        protocol,
        ...(tlsMode ? { tlsMode } : {}),
        hosts: [...((server["hosts"] ?? []) as string[])],
        routes: routesFor(store, gwName, number, domain),
        gateways: [gwName],
      });
    }
  }
  return { routerMode, listeners: [...byPort.values()].sort((a, b) => a.port - b.port) };
};
