// WorkloadEntry auto-registration in Istio 1.8.1 (pilot/pkg/xds/workloadentry.go): off by default — a VM proxy with
// ISTIO_META_AUTO_REGISTER_GROUP connects and nothing is created —; with
// PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true istiod creates pegasus-pay-<ip> from the WorkloadGroup, marks it
// disconnected when the proxy goes, deletes it after PILOT_WORKLOAD_ENTRY_GRACE_PERIOD, and keeps it when the proxy
// comes back in time.
import test from "ava";
import { setTimeout as sleep } from "node:timers/promises";
import { startIstioLab, waitFor, type IstioLab } from "../helpers/istio-lab.js";
import { TestVm, type AgentProcess, type VmFiles } from "../helpers/vm-agent.js";
import { configureVmFiles } from "../helpers/workload-group.js";

const version = "1.8.1";
// Long enough for an agent restarted on a loaded machine to come back within it; short enough to watch it expire.
const GRACE_SECONDS = 10;
let lab: IstioLab;
let vm: TestVm;
let files: VmFiles;

const istiodPod = () => lab.readyPod("app=istiod", "istio-system");
const entryName = () => `pegasus-pay-${vm.ip}`;
const getEntry = async () => {
  const r = await lab.kubectl(["get", "workloadentry", "-n", "legacy", entryName(), "-o", "json"]);
  return r.exitCode === 0 ? JSON.parse(r.stdout) : undefined;
};
const istiodLines = async () => (await lab.logs("istio-system", (await istiodPod()).metadata.name, "discovery")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { level: string; scope: string; msg: string });
const startAgent = async (): Promise<AgentProcess> => {
  const pod = await istiodPod();
  await vm.setHosts(`${pod.status.podIP} istiod.istio-system.svc\n`);
  const agent = vm.startAgent(version, vm.agentEnv(files));
  await agent.waitForLine(/\tinfo\txdsproxy\tconnecting to upstream XDS server: istiod\.istio-system\.svc:15012$/);
  await agent.waitForLine(/\tinfo\tenvoy config\tall dependencies initialized\. starting workers$/);
  return agent;
};

test.before(async () => {
  lab = await startIstioLab();
  const install = await lab.istioctl(version, ["install", "--skip-confirmation"]);
  if (install.exitCode !== 0) throw new Error(install.stderr);
  const pod = await istiodPod();
  vm = await TestVm.create("arvm", "198.18.160.61");
  files = await configureVmFiles(lab, { version, autoregister: true, istiodIp: pod.status.podIP });
  await vm.install(files);
});
test.after.always(async () => {
  await vm?.destroy();
  await lab?.close();
});

test.serial("with the feature off (1.8's default) a proxy with AUTO_REGISTER_GROUP connects and no WorkloadEntry is created", async (t) => {
  t.regex(files.clusterEnv, /^ISTIO_META_AUTO_REGISTER_GROUP='pegasus-pay'$/m);
  const agent = await startAgent();
  const connected = await waitFor("the connection in istiod's log", async () => (await istiodLines()).find((l) => l.msg.startsWith(`ADS: new connection for node:sidecar~${vm.ip}~pegasus-vm.legacy~legacy.svc.cluster.local-`)));
  t.is(connected.scope, "ads");
  await waitFor("the push to the VM", async () => (await istiodLines()).find((l) => l.msg === "LDS: PUSH for node:pegasus-vm.legacy resources:2"));
  t.is(await getEntry(), undefined);
  t.false((await istiodLines()).some((l) => /WorkloadEntry/.test(l.msg)));
  await agent.stop();
});

test.serial("with PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true istiod creates pegasus-pay-<ip> from the WorkloadGroup", async (t) => {
  const upgrade = await lab.istioctl(version, ["install", "--set", "values.pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true", "--set", `values.pilot.env.PILOT_WORKLOAD_ENTRY_GRACE_PERIOD=${GRACE_SECONDS}s`, "--skip-confirmation"]);
  t.is(upgrade.exitCode, 0, upgrade.stderr);
  await waitFor("the new istiod with the feature on", async () => {
    const pod = await istiodPod();
    return (pod.spec.containers[0].env ?? []).some((e: any) => e.name === "PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION" && e.value === "true") && !pod.metadata.deletionTimestamp;
  });
  const agent = await startAgent();
  const we = await waitFor("the WorkloadEntry", getEntry);
  const group = JSON.parse((await lab.kubectl(["get", "workloadgroup", "-n", "legacy", "pegasus-pay", "-o", "json"])).stdout);
  t.is(we.spec.address, vm.ip);
  t.is(we.spec.serviceAccount, "legacy-pegasus");
  t.like(we.spec.labels, { app: "pegasus-pay", "service.istio.io/canonical-name": "pegasus-pay" });
  t.deepEqual(we.metadata.labels, we.spec.labels);
  t.is(we.metadata.annotations["istio.io/autoRegistrationGroup"], "pegasus-pay");
  t.is(we.metadata.annotations["istio.io/workloadController"], (await istiodPod()).metadata.name);
  t.truthy(Date.parse(we.metadata.annotations["istio.io/connectedAt"]));
  t.deepEqual(we.metadata.ownerReferences, [{ apiVersion: group.apiVersion, kind: "WorkloadGroup", name: "pegasus-pay", uid: group.metadata.uid, controller: true }]);
  const line = await waitFor("istiod's line", async () => (await istiodLines()).find((l) => l.msg === `auto-registered WorkloadEntry legacy/${entryName()}`));
  t.is(line.scope, "ads");
  await agent.stop();
});

test.serial("after the proxy disconnects the entry is marked disconnected and deleted once the grace period passed", async (t) => {
  const marked = await waitFor("istio.io/disconnectedAt", async () => {
    const we = await getEntry();
    return we?.metadata.annotations["istio.io/disconnectedAt"] ? we : undefined;
  });
  t.is(marked.metadata.annotations["istio.io/workloadController"], undefined);
  await waitFor("the entry to be deleted", async () => (await getEntry()) === undefined);
  const line = await waitFor("istiod's line", async () => (await istiodLines()).find((l) => l.msg === `cleaned up auto-registered WorkloadEntry legacy/${entryName()}`));
  t.is(line.scope, "ads");
});

test.serial("a proxy that reconnects within the grace period keeps its entry", async (t) => {
  let agent = await startAgent();
  const created = await waitFor("the WorkloadEntry", getEntry);
  await agent.stop();
  await waitFor("istio.io/disconnectedAt", async () => (await getEntry())?.metadata.annotations["istio.io/disconnectedAt"]);
  agent = await startAgent();
  await waitFor("the entry controlled again", async () => (await getEntry())?.metadata.annotations["istio.io/workloadController"]);
  await sleep((GRACE_SECONDS + 2) * 1000); // let the pending clean-up run
  const kept = await getEntry();
  t.is(kept?.metadata.uid, created.metadata.uid);
  await agent.stop();
});
