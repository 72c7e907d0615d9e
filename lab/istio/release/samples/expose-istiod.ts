// samples/multicluster/expose-istiod.yaml of a lab release, generated for the lab: the Istio objects that open istiod's
// two ports on the east-west gateway (15012: xDS and certificates; 15017: the webhooks, istiod's Service port 443),
// with the names, hosts, ports, protocols and TLS modes of the release's sample. 1.8.0–1.8.1: a TCP Gateway, a
// VirtualService with tcp routes and a DestinationRule istiod-dr with TLS DISABLE on both ports; 1.8.2+: TLS
// PASSTHROUGH with sniHosts "*" and no DestinationRule. No namespace from 1.10 (the file is applied with
// -n istio-system); apiVersion networking.istio.io/v1 from 1.24.
import yaml from "js-yaml";
import type { ReleaseFacts } from "../versions.js";

type Obj = Record<string, unknown>;

const NAMESPACE = "istio-system";
const ISTIOD = `istiod.${NAMESPACE}.svc.cluster.local`;
const GATEWAY = "istiod-gateway";

/** istiod's ports as the gateway exposes them: gateway port → istiod's Service port. */
const PORTS = [
  { suffix: "istiod", port: 15012, istiodPort: 15012 },
  { suffix: "istiodwebhook", port: 15017, istiodPort: 443 },
] as const;

/** One object; the namespace only where the release's file names it. */
const object = (facts: ReleaseFacts, namespaced: boolean, kind: string, name: string, spec: Obj): Obj => ({
  apiVersion: facts.exposeIstiodApiVersion,
  kind,
  metadata: namespaced ? { name, namespace: NAMESPACE } : { name },
  spec,
});

const toIstiod = (istiodPort: number): Obj => ({ destination: { host: ISTIOD, port: { number: istiodPort } } });

/** 1.8.0–1.8.1: plain TCP through the gateway, TLS to istiod turned off by a DestinationRule. */
const tcpObjects = (facts: ReleaseFacts): Obj[] => [
  object(facts, true, "Gateway", GATEWAY, {
    selector: { istio: "eastwestgateway" },
    servers: PORTS.map((p) => ({ port: { name: `tcp-${p.suffix}`, number: p.port, protocol: "TCP" }, hosts: ["*"] })),
  }),
  object(facts, true, "VirtualService", "istiod-vs", {
    hosts: [ISTIOD],
    gateways: [GATEWAY],
    tcp: PORTS.map((p) => ({ match: [{ port: p.port }], route: [toIstiod(p.istiodPort)] })),
  }),
  object(facts, true, "DestinationRule", "istiod-dr", {
    host: ISTIOD,
    trafficPolicy: { portLevelSettings: PORTS.map((p) => ({ port: { number: p.port }, tls: { mode: "DISABLE" } })) },
  }),
];

/** 1.8.2+: the VM's TLS passes through the gateway to istiod untouched, routed by port and any SNI. */
const passthroughObjects = (facts: ReleaseFacts): Obj[] => [
  object(facts, facts.exposeIstiodNamespaced, "Gateway", GATEWAY, {
    selector: { istio: "eastwestgateway" },
    servers: PORTS.map((p) => ({ port: { name: `tls-${p.suffix}`, number: p.port, protocol: "tls" }, tls: { mode: "PASSTHROUGH" }, hosts: ["*"] })),
  }),
  object(facts, facts.exposeIstiodNamespaced, "VirtualService", "istiod-vs", {
    hosts: ["*"],
    gateways: [GATEWAY],
    tls: PORTS.map((p) => ({ match: [{ port: p.port, sniHosts: ["*"] }], route: [toIstiod(p.istiodPort)] })),
  }),
];

/** The file's content for a release. */
export const exposeIstiodYaml = (facts: ReleaseFacts): string => {
  const objects = facts.exposeIstiodMode === "tcp" ? tcpObjects(facts) : passthroughObjects(facts);
  const header = [
    `# Istio ${facts.version.text} (offline lab): exposes istiod on the east-west gateway, for workloads outside the`,
    "# cluster such as VMs. 15012 carries xDS and certificate requests, 15017 the webhooks.",
    ...(facts.exposeIstiodNamespaced ? [] : ["# Apply it with -n istio-system."]),
  ];
  return `${header.join("\n")}\n${objects.map((o) => yaml.dump(o, { lineWidth: -1, noRefs: true })).join("---\n")}`;
};
