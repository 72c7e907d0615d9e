import test from "ava";
import { alternateHosts, buildLookupTable, nameTableFromServices } from "../../../../lab/istio/proxy/dns-table.js";
import { parseResolvConf } from "../../../../lab/istio/proxy/dns.js";

test("a Kubernetes service answers to name.ns, name.ns.svc and, in its own namespace, its short name", (t) => {
  const info = { shortname: "payment", namespace: "default" };
  t.deepEqual(alternateHosts("payment.default.svc.cluster.local", info, "default", "svc.cluster.local"), [
    "payment.default.svc.cluster.local",
    "payment.default",
    "payment",
    "payment.default.svc",
  ]);
  t.deepEqual(alternateHosts("payment.default.svc.cluster.local", info, "legacy", "svc.cluster.local"), [
    "payment.default.svc.cluster.local",
    "payment.default",
    "payment.default.svc",
  ]);
});

test("the first search domain gets CNAME entries pointing back at each name", (t) => {
  const table = buildLookupTable({
    nameTable: nameTableFromServices([{ hostname: "payment.default.svc.cluster.local", name: "payment", namespace: "default", addresses: ["10.0.0.5"], ports: [] }]),
    proxyNamespace: "legacy",
    searchDomains: ["ilab.internal", "other"],
  });
  t.deepEqual(table.get("payment.default"), { ipv4: ["10.0.0.5"], ipv6: [] });
  t.deepEqual(table.get("payment.default.ilab.internal"), { cnameTarget: "payment.default", ipv4: [], ipv6: [] });
  t.is(table.get("payment.default.other"), undefined, "only the first search domain");
  t.is(table.get("payment"), undefined);
});

test("hosts of other registries answer only to their own name; services without address are not in the table", (t) => {
  const nt = nameTableFromServices([
    { hostname: "api.example.com", name: "api.example.com", namespace: "legacy", addresses: ["198.18.200.9"], ports: [], registry: "External" },
    { hostname: "headless.default.svc.cluster.local", name: "headless", namespace: "default", addresses: [], ports: [] },
  ]);
  t.deepEqual(Object.keys(nt), ["api.example.com"]);
  const table = buildLookupTable({ nameTable: nt, proxyNamespace: "legacy", searchDomains: [] });
  t.deepEqual([...table.keys()], ["api.example.com"]);
});

test("resolv.conf: nameservers and search domains", (t) => {
  t.deepEqual(parseResolvConf("# x\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch a.internal b\n"), {
    servers: [{ host: "127.0.0.53", port: 53 }],
    search: ["a.internal", "b"],
  });
});
