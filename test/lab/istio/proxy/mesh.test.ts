import test from "ava";
import { endpointTlsMode, MeshIndex, usesMutualTls, virtualHostDomains } from "../../../../lab/istio/proxy/mesh.js";
import type { MeshService, ProxyConfig } from "../../../../lab/istio/proxy/config.js";

const payment: MeshService = { hostname: "payment.default.svc.cluster.local", name: "payment", namespace: "default", addresses: ["10.0.0.5"], ports: [{ name: "http", port: 8000 }] };

test("virtual host domains: FQDN, the namespace forms, the short name in the same namespace, the VIP; each with :port", (t) => {
  t.deepEqual(virtualHostDomains(payment, 8000, "default"), [
    "payment.default.svc.cluster.local", "payment.default.svc.cluster.local:8000",
    "payment", "payment:8000",
    "payment.default", "payment.default:8000",
    "payment.default.svc", "payment.default.svc:8000",
    "payment.default.svc.cluster", "payment.default.svc.cluster:8000",
    "10.0.0.5", "10.0.0.5:8000",
  ]);
  t.false(virtualHostDomains(payment, 8000, "legacy").includes("payment"));
});

test("endpoint tlsMode: explicit, label, or a WorkloadEntry with a service account", (t) => {
  t.is(endpointTlsMode({ service: "s", servicePort: 1, address: "1.1.1.1", port: 1, tlsMode: "disabled", labels: { "security.istio.io/tlsMode": "istio" } }), "disabled");
  t.is(endpointTlsMode({ service: "s", servicePort: 1, address: "1.1.1.1", port: 1, labels: { "security.istio.io/tlsMode": "istio" } }), "istio");
  t.is(endpointTlsMode({ service: "s", servicePort: 1, address: "1.1.1.1", port: 1, kind: "workloadentry", serviceAccount: "legacy-pegasus" }), "istio");
  t.is(endpointTlsMode({ service: "s", servicePort: 1, address: "1.1.1.1", port: 1, kind: "workloadentry" }), "disabled");
  t.is(endpointTlsMode({ service: "s", servicePort: 1, address: "1.1.1.1", port: 1, serviceAccount: "sa" }), "disabled", "a pod without the sidecar label");
});

const config = (policies: ProxyConfig["peerAuthentications"]): ProxyConfig => ({
  version: "1",
  workload: { name: "vm", namespace: "legacy", serviceAccount: "legacy-pegasus", trustDomain: "cluster.local", labels: {}, ips: ["10.1.0.9"], kind: "vm" },
  tls: { certChainPem: "", privateKeyPem: "", rootCertsPem: [] },
  services: [payment, { hostname: "pegasus-pay.legacy.svc.cluster.local", name: "pegasus-pay", namespace: "legacy", addresses: ["10.0.0.6"], ports: [{ name: "http-vm", port: 8000 }] }],
  endpoints: [
    { service: payment.hostname, servicePort: 8000, address: "10.1.0.5", port: 8000, tlsMode: "istio", serviceAccount: "default", namespace: "default" },
    { service: "pegasus-pay.legacy.svc.cluster.local", servicePort: 8000, address: "10.1.0.9", port: 8000, kind: "workloadentry", serviceAccount: "legacy-pegasus" },
  ],
  peerAuthentications: policies,
});

test("clusters carry Istio's name, SNI, expected SANs and the client's view of the destination's mode", (t) => {
  const index = new MeshIndex(config([{ name: "d", namespace: "default", mtls: { mode: "DISABLE" } }]));
  const c = index.clusters.get("outbound|8000||payment.default.svc.cluster.local")!;
  t.is(c.sni, "outbound_.8000_._.payment.default.svc.cluster.local");
  t.deepEqual(c.expectedSans, ["spiffe://cluster.local/ns/default/sa/default"]);
  t.is(c.destinationMode, "DISABLE");
  t.false(usesMutualTls(c, c.endpoints[0]!), "namespace DISABLE: plaintext even to a sidecar");
  const vm = index.clusters.get("outbound|8000||pegasus-pay.legacy.svc.cluster.local")!;
  t.true(usesMutualTls(vm, vm.endpoints[0]!));
  t.is(index.matchVirtualHost(8000, "PEGASUS-PAY.legacy:8000")?.cluster, vm, "Host matching is case-insensitive");
  t.is(index.matchVirtualHost(8000, "10.1.0.5:8000"), undefined, "an endpoint IP is not a domain");
  t.is(index.inboundPort(8000)?.handling, "http", "this workload serves pegasus-pay's port");
});
