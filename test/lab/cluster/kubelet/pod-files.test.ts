import test from "ava";
import type { KubeObject } from "../../../../lab/cluster/contracts.js";
import { podHostsFile, podResolvConf } from "../../../../lab/cluster/kubelet/pod-files.js";

const dns = { clusterDnsIp: "198.19.80.10", clusterDomain: "cluster.local", nodeNameserver: "198.18.80.1" };
const pod = (spec: any = {}, namespace = "legacy"): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "pegasus-0", namespace }, spec });

test("ClusterFirst pods search their namespace first, with ndots:5", (t) => {
  t.is(podResolvConf(pod(), dns), "search legacy.svc.cluster.local svc.cluster.local cluster.local\nnameserver 198.19.80.10\noptions ndots:5\n");
});

test("dnsPolicy Default uses the node's resolver (the cloud DNS); None uses dnsConfig only; dnsConfig options override", (t) => {
  t.is(podResolvConf(pod({ dnsPolicy: "Default" }), dns), "nameserver 198.18.80.1\n");
  t.is(podResolvConf(pod({ dnsPolicy: "None", dnsConfig: { nameservers: ["1.2.3.4"], searches: ["x.y"] } }), dns), "search x.y\nnameserver 1.2.3.4\n");
  t.regex(podResolvConf(pod({ dnsConfig: { options: [{ name: "ndots", value: "2" }, { name: "edns0" }] } }), dns), /options ndots:2 edns0\n$/);
});

test("the hosts file names the pod (FQDN with a subdomain) and adds hostAliases", (t) => {
  const text = podHostsFile(pod({ hostname: "db-0", subdomain: "db", hostAliases: [{ ip: "198.18.80.10", hostnames: ["pegasus-vm"] }] }), "198.18.81.3", "cluster.local");
  t.true(text.startsWith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"));
  t.true(text.includes("198.18.81.3\tdb-0.db.legacy.svc.cluster.local\tdb-0\n"));
  t.true(text.endsWith("# Entries added by HostAliases.\n198.18.80.10\tpegasus-vm\n"));
});
