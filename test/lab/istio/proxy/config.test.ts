import test from "ava";
import { validateProxyConfig, ProxyConfigError } from "../../../../lab/istio/proxy/config.js";

const valid = () => ({
  version: "1",
  workload: { name: "vm", namespace: "legacy", serviceAccount: "legacy-pegasus", trustDomain: "cluster.local", labels: { app: "pegasus-pay" }, ips: ["198.18.0.10"], kind: "vm" },
  tls: { certChainPem: "-----BEGIN CERTIFICATE-----x", privateKeyPem: "-----BEGIN PRIVATE KEY-----x", rootCertsPem: ["-----BEGIN CERTIFICATE-----y"] },
  services: [{ hostname: "payment.default.svc.cluster.local", name: "payment", namespace: "default", addresses: ["198.19.0.20"], ports: [{ name: "http", port: 8000 }] }],
  endpoints: [{ service: "payment.default.svc.cluster.local", servicePort: 8000, address: "198.18.1.5", port: 8000, tlsMode: "istio" }],
  peerAuthentications: [{ name: "default", namespace: "legacy", mtls: { mode: "DISABLE" }, portLevelMtls: { "8000": { mode: "STRICT" } } }],
});

test("accepts a complete snapshot", (t) => {
  t.notThrows(() => validateProxyConfig(valid()));
});

test("names the first bad field", (t) => {
  const cases: [(c: ReturnType<typeof valid>) => void, string][] = [
    [(c) => (c.workload.ips = []), "$.workload.ips"],
    [(c) => (c.workload.ips = ["not-an-ip"]), "$.workload.ips[0]"],
    [(c) => ((c.workload as { kind: string }).kind = "container"), "$.workload.kind"],
    [(c) => (c.tls.privateKeyPem = "secret"), "$.tls.privateKeyPem"],
    [(c) => (c.services[0]!.ports[0]!.port = 70000), "$.services[0].ports[0].port"],
    [(c) => ((c.endpoints[0] as { tlsMode: string }).tlsMode = "mutual"), "$.endpoints[0].tlsMode"],
    [(c) => ((c.peerAuthentications[0]!.mtls as { mode: string }).mode = "ON"), "$.peerAuthentications[0].mtls.mode"],
  ];
  for (const [mutate, path] of cases) {
    const c = valid();
    mutate(c);
    const error = t.throws(() => validateProxyConfig(c), { instanceOf: ProxyConfigError });
    t.is(error!.path, path);
  }
});
