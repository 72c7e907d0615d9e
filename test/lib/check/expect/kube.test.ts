import test from "ava";
import { serviceHasExternalIp, servicePorts, workloadEntryExists } from "../../../../lib/check/expect/kube.js";
import { InputError } from "../../../../lib/errors.js";
import { EASTWEST_PENDING, EASTWEST_SERVICE, WORKLOAD_ENTRIES, WORKLOAD_ENTRY_WRONG_SA } from "../../fixtures/kube.js";

test("workloadEntryExists: finds the auto-registered entry by address in kubectl JSON", (t) => {
  const v = workloadEntryExists({ namespace: "legacy", address: "198.18.0.10", serviceAccount: "legacy-pegasus", labels: { app: "pegasus-pay" } }).evaluate(WORKLOAD_ENTRIES);
  t.true(v.ok);
  t.like(v.data, { name: "pegasus-pay-198.18.0.10", serviceAccount: "legacy-pegasus" });
  t.regex(v.received, /legacy\/pegasus-pay-198.18.0.10 address=198.18.0.10 serviceAccount=legacy-pegasus/);
  t.is(v.expected, "uma WorkloadEntry no namespace legacy com address 198.18.0.10, serviceAccount legacy-pegasus, rótulos app=pegasus-pay");
});

test("workloadEntryExists: says when there is none, or only one with another address", (t) => {
  const none = workloadEntryExists({ namespace: "legacy", address: "198.18.0.10" }).evaluate({ kind: "List", items: [] });
  t.false(none.ok);
  t.is(none.received, "nenhuma WorkloadEntry no namespace legacy");
  const other = workloadEntryExists({ namespace: "legacy", address: "198.18.3.10" }).evaluate(WORKLOAD_ENTRIES);
  t.false(other.ok);
  t.is(other.detail, "há WorkloadEntry com outro endereço (198.18.0.10), nenhuma com 198.18.3.10");
});

test("workloadEntryExists: catches the seed's wrong serviceAccount and passes it on to diagnoses", (t) => {
  const v = workloadEntryExists({ namespace: "legacy", address: "10.240.0.115", serviceAccount: "legacy-pegasus" }).evaluate([WORKLOAD_ENTRY_WRONG_SA]);
  t.false(v.ok);
  t.is(v.detail, "legacy/cloud-vm tem serviceAccount «pegasus-legacy», esperado «legacy-pegasus»");
  t.deepEqual(v.diagnoseContext, { workloadEntryServiceAccount: "pegasus-legacy" });
});

test("workloadEntryExists: reads a command result and reports a failed kubectl", (t) => {
  t.true(workloadEntryExists({ namespace: "legacy", address: "198.18.0.10" }).evaluate({ stdout: WORKLOAD_ENTRIES, stderr: "", exitCode: 0 }).ok);
  t.throws(() => workloadEntryExists({ namespace: "legacy", address: "198.18.0.10" }).evaluate({ stdout: "", stderr: 'error: the server doesn\'t have a resource type "workloadentry"', exitCode: 1 }), { message: /o kubectl falhou \(código 1\)/ });
  t.throws(() => workloadEntryExists({ namespace: "", address: "x" }), { instanceOf: InputError });
});

test("serviceHasExternalIp: passes with the LoadBalancer IP and returns it", (t) => {
  const v = serviceHasExternalIp().evaluate(EASTWEST_SERVICE);
  t.true(v.ok);
  t.deepEqual(v.data, { address: "198.18.2.10" });
  t.is(v.received, "istio-system/istio-eastwestgateway tipo LoadBalancer, EXTERNAL-IP 198.18.2.10");
});

test("serviceHasExternalIp: fails while <pending>, and for a hostname-only balancer unless allowed", (t) => {
  const pending = serviceHasExternalIp().evaluate(JSON.stringify(EASTWEST_PENDING));
  t.false(pending.ok);
  t.regex(pending.received, /EXTERNAL-IP <pending>/);
  const named = { ...EASTWEST_SERVICE, status: { loadBalancer: { ingress: [{ hostname: "a1b2.elb.amazonaws.com" }] } } };
  t.regex(serviceHasExternalIp().evaluate(named).detail!, /--ingressIP/);
  t.true(serviceHasExternalIp({ allowHostname: true }).evaluate(named).ok);
  const withExternalIps = { ...EASTWEST_PENDING, spec: { ...EASTWEST_SERVICE.spec, type: "ClusterIP", externalIPs: ["198.18.2.20"] } };
  t.deepEqual(serviceHasExternalIp().evaluate(withExternalIps).data, { address: "198.18.2.20" });
  t.regex(serviceHasExternalIp().evaluate({ ...EASTWEST_PENDING, spec: { type: "ClusterIP", ports: [] } }).detail!, /tipo ClusterIP/);
});

test("servicePorts: compares only the fields given, naming each problem", (t) => {
  t.true(servicePorts({ ports: [{ port: 15012 }, { port: 15017 }, { port: 15443, protocol: "TCP" }] }).evaluate(EASTWEST_SERVICE).ok);
  const v = servicePorts({ ports: [{ port: 15012, name: "tls-istiod" }, { port: 8080 }] }).evaluate(EASTWEST_SERVICE);
  t.false(v.ok);
  t.is(v.detail, "a porta 15012 se chama «tcp-istiod», esperado «tls-istiod»; falta a porta 8080");
  t.regex(v.received, /15012\/TCP \(tcp-istiod\)/);
  t.throws(() => servicePorts({ ports: [] }), { instanceOf: InputError });
});

test("workloadEntryExists: with two entries at the VM's address, judges the one with the expected labels", (t) => {
  const entry = (name: string, app: string) => ({ apiVersion: "networking.istio.io/v1beta1", kind: "WorkloadEntry", metadata: { name, namespace: "legacy" }, spec: { address: "198.18.0.10", labels: { app }, serviceAccount: "legacy-pegasus" } });
  const list = { apiVersion: "v1", kind: "List", items: [entry("cloud-vm", "cloud-vm"), entry("pegasus-pay-198.18.0.10", "pegasus-pay")] };
  const v = workloadEntryExists({ namespace: "legacy", address: "198.18.0.10", serviceAccount: "legacy-pegasus", labels: { app: "pegasus-pay" } }).evaluate(JSON.stringify(list));
  t.true(v.ok);
  t.like(v.data, { name: "pegasus-pay-198.18.0.10" });
});
