import test from "ava";
import type { KubeObject } from "../../../../lab/cluster/contracts.js";
import { chainHash, restoreInput, servicePortRules } from "../../../../lab/cluster/proxy/rules.js";

const svc = (name: string, spec: any): KubeObject => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec });
const eps = (name: string, subsets: any[]): KubeObject => ({ apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace: "default" }, subsets } as KubeObject);

test("service ports get their ready endpoints; headless and ExternalName services are skipped", (t) => {
  const rules = servicePortRules(
    [
      svc("payment", { clusterIP: "198.19.80.50", ports: [{ name: "http", port: 8000, targetPort: "http" }] }),
      svc("db", { clusterIP: "None", ports: [{ port: 5432 }] }),
      svc("erp", { type: "ExternalName", externalName: "erp.example" }),
      svc("dns", { clusterIP: "198.19.80.10", ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }] }),
    ],
    [
      eps("payment", [{ addresses: [{ ip: "198.18.81.2" }, { ip: "198.18.81.3" }], notReadyAddresses: [{ ip: "198.18.81.9" }], ports: [{ name: "http", port: 8000, protocol: "TCP" }] }]),
      eps("dns", [{ addresses: [{ ip: "198.18.81.4" }], ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }] }]),
    ],
  );
  t.deepEqual(rules, [
    { id: "default/dns:dns", clusterIps: ["198.19.80.10"], port: 53, protocol: "udp", endpoints: [{ ip: "198.18.81.4", port: 53 }] },
    { id: "default/dns:dns-tcp", clusterIps: ["198.19.80.10"], port: 53, protocol: "tcp", endpoints: [{ ip: "198.18.81.4", port: 53 }] },
    { id: "default/payment:http", clusterIps: ["198.19.80.50"], port: 8000, protocol: "tcp", endpoints: [{ ip: "198.18.81.2", port: 8000 }, { ip: "198.18.81.3", port: 8000 }] },
  ]);
});

test("endpoints are chosen at random with -m statistic: 1/3, 1/2, then the last one unconditionally", (t) => {
  const text = restoreInput([{ id: "default/a:http", clusterIps: ["198.19.80.7"], port: 80, protocol: "tcp", endpoints: [1, 2, 3].map((i) => ({ ip: `198.18.81.${i}`, port: 8080 })) }], []);
  const svcChain = `KUBE-SVC-${chainHash("default/a:httptcp")}`;
  t.true(text.includes(`-A KUBE-SERVICES -d 198.19.80.7/32 -p tcp -m comment --comment "default/a:http cluster IP" -m tcp --dport 80 -j ${svcChain}`));
  const jumps = text.split("\n").filter((l) => l.startsWith(`-A ${svcChain} `));
  t.is(jumps.length, 3);
  t.regex(jumps[0]!, /--probability 0\.3333333333 -j KUBE-SEP-/);
  t.regex(jumps[1]!, /--probability 0\.5000000000 -j KUBE-SEP-/);
  t.notRegex(jumps[2]!, /statistic/);
  t.is(text.split("\n").filter((l) => /-j DNAT --to-destination 198\.18\.81\.\d:8080$/.test(l)).length, 3);
});

test("a service port without ready endpoints is rejected in the filter table; stale chains are flushed and deleted", (t) => {
  const text = restoreInput([{ id: "default/empty:http", clusterIps: ["198.19.80.8"], port: 80, protocol: "tcp", endpoints: [] }], ["KUBE-SVC-OLDOLDOLDOLDOLDO", "KUBE-SEP-OLDOLDOLDOLDOLDO"]);
  t.true(text.includes('-A KUBE-SERVICES -d 198.19.80.8/32 -p tcp -m comment --comment "default/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable'));
  t.true(text.includes(":KUBE-SVC-OLDOLDOLDOLDOLDO - [0:0]"));
  t.true(text.includes("-X KUBE-SVC-OLDOLDOLDOLDOLDO"));
  t.true(text.includes("-X KUBE-SEP-OLDOLDOLDOLDOLDO"));
  t.false(text.includes("DNAT"));
});

test("chain names are stable, 16 base32 characters", (t) => {
  t.is(chainHash("default/payment:httptcp"), chainHash("default/payment:httptcp"));
  t.regex(chainHash("x"), /^[A-Z2-7]{16}$/);
  t.not(chainHash("a"), chainHash("b"));
});
