import test from "ava";
import { host } from "../../../../lab/net/ip.js";
import { listNetns } from "../../../../lab/net/netns.js";
import { sandboxNames } from "../../../../lab/cluster/kubelet/sandbox.js";
import { plan, startTestNode, waitFor, type TestNode } from "../helpers/lab-node.js";
import { T } from "../helpers/fake-api.js";

let node: TestNode;
test.before(async () => {
  node = await startTestNode();
  for (const i of [1, 2]) {
    await node.createPod({
      name: `web-${i}`,
      labels: { app: "web" },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "web", image: "lab.test/web", env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }], ports: [{ name: "http", containerPort: 8080 }] }] },
    });
  }
  await node.createPod({ name: "client", spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "c", image: "curlimages/curl", command: ["sleep", "infinity"] }] } });
  for (const p of ["web-1", "web-2", "client"]) await node.waitReady(p);
});
test.after.always(async () => {
  await node?.close();
});

const curl = (url: string) => node.exec("client", ["curl", "-sS", "--max-time", "3", url]);

test.serial("a Service created after the client pod started routes its ClusterIP to the ready pods, picked at random", async (t) => {
  await node.api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { clusterIP: "198.19.80.60", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } });
  await node.proxy.synced();
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 2; i++) {
    const r = await curl("http://198.19.80.60/");
    t.is(r.exitCode, 0, r.stderr);
    seen.add(JSON.parse(r.stdout).pod);
  }
  t.deepEqual([...seen].sort(), ["web-1", "web-2"]);
});

test.serial("the rules live in the pod's own namespace, jumped to from OUTPUT (the host's tables are untouched)", async (t) => {
  const client = await node.pod("client");
  const netns = sandboxNames(plan, client.metadata.uid!).netns;
  const nat = (await host(["ip", "netns", "exec", netns, "iptables-save", "-t", "nat"])).stdout;
  t.regex(nat, /-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES/);
  t.regex(nat, /-A KUBE-SERVICES -d 198\.19\.80\.60\/32 -p tcp .*--dport 80 -j KUBE-SVC-/);
  t.is((nat.match(/-j DNAT --to-destination 198\.18\.81\.\d+:8080/g) ?? []).length, 2);
  t.notRegex((await host(["iptables-save", "-t", "nat"])).stdout, /198\.19\.80\.60/);
});

test.serial("when a pod goes away its endpoint leaves the rules; a Service without endpoints refuses at once", async (t) => {
  await node.api.delete(T.pods, "web-2", "default");
  await waitFor("web-2 gone", async () => !(await node.api.list(T.pods, { namespace: "default" })).some((p) => p.metadata.name === "web-2"));
  await node.proxy.synced();
  for (let i = 0; i < 5; i++) t.is(JSON.parse((await curl("http://198.19.80.60/")).stdout).pod, "web-1");
  await node.api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "nobody", namespace: "default" }, spec: { clusterIP: "198.19.80.61", selector: { app: "nobody" }, ports: [{ port: 80 }] } });
  await node.proxy.synced();
  const refused = await curl("http://198.19.80.61/");
  t.is(refused.exitCode, 7);
  t.regex(refused.stderr, /Connection refused|Couldn't connect/);
});

test.serial("headless Services get no ClusterIP rules, and a deleted Service's chains are removed", async (t) => {
  await node.api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "web-headless", namespace: "default" }, spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } });
  await node.api.delete(T.services, "web", "default");
  await node.proxy.synced();
  const client = await node.pod("client");
  const nat = (await host(["ip", "netns", "exec", sandboxNames(plan, client.metadata.uid!).netns, "iptables-save", "-t", "nat"])).stdout;
  t.notRegex(nat, /default\/web/);
  t.notRegex(nat, /198\.19\.80\.60/);
  t.is((nat.match(/^:KUBE-S(VC|EP)-/gm) ?? []).length, 2, "only the kubernetes Service's chains are left");
  t.is((await curl("http://198.19.80.60/")).exitCode === 0, false);
});

test.serial("a LoadBalancer Service's external IP answers on the lab LAN (from the host, as from the VM) and goes away with it", async (t) => {
  const lbIp = plan.loadBalancerCidr.replace(/0\/24$/, "7");
  const svc = await node.api.create(T.services, { apiVersion: "v1", kind: "Service", metadata: { name: "web-lb", namespace: "default" }, spec: { type: "LoadBalancer", clusterIP: "198.19.80.62", selector: { app: "web" }, ports: [{ name: "http", port: 15443, targetPort: 8080 }] } });
  await node.api.updateStatus(T.services, { ...svc, status: { loadBalancer: { ingress: [{ ip: lbIp }] } } });
  await node.proxy.synced();
  const r = await host(["curl", "-sS", "--max-time", "5", `http://${lbIp}:15443/`]);
  t.is(JSON.parse(r.stdout).pod, "web-1");
  t.is((await host(["curl", "-sS", "--max-time", "5", `http://${lbIp}:15444/`], { allowFailure: true })).exitCode, 7, "a port the Service does not have is refused");
  await node.api.delete(T.services, "web-lb", "default");
  await node.proxy.synced();
  t.false((await listNetns()).includes(`${plan.prefix}-lb`));
});
