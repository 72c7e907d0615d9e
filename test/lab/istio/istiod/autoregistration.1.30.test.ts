// WorkloadEntry auto-registration in Istio 1.30.0 (pilot/pkg/autoregistration): on by default; a WorkloadGroup probe
// makes the entry health-checked (annotation and a Healthy condition that follows the app on the VM); a proxy whose
// verified identity differs from the group's template service account is refused with istiod's line.
import test from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { startIstioLab, waitFor, type IstioLab } from "../helpers/istio-lab.js";
import { TestVm, type AgentProcess, type VmFiles } from "../helpers/vm-agent.js";
import { configureVmFiles } from "../helpers/workload-group.js";

const version = "1.30.0";
let lab: IstioLab;
let vm: TestVm;
let files: VmFiles;
let app: ChildProcess | undefined;

const istiodPod = () => lab.readyPod("app=istiod", "istio-system");
const entryName = () => `pegasus-pay-${vm.ip}`;
const getEntry = async () => {
  const r = await lab.kubectl(["get", "workloadentry", "-n", "legacy", entryName(), "-o", "json"]);
  return r.exitCode === 0 ? JSON.parse(r.stdout) : undefined;
};
const istiodLines = async () =>
  (await lab.logs("istio-system", (await istiodPod()).metadata.name, "discovery"))
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [, level, scope, ...msg] = l.split("\t");
      return { level: level!, scope: scope!, msg: msg.join("\t") };
    });
const healthy = async () => ((await getEntry())?.status?.conditions ?? []).find((c: any) => c.type === "Healthy")?.status as string | undefined;
const startApp = () => {
  app = spawn("ip", ["netns", "exec", vm.netns, "python3", "-m", "http.server", "8080", "--bind", "127.0.0.1"], { stdio: "ignore" });
};

test.before(async () => {
  lab = await startIstioLab();
  const install = await lab.istioctl(version, ["install", "--skip-confirmation"]);
  if (install.exitCode !== 0) throw new Error(install.stderr);
  const pod = await istiodPod();
  vm = await TestVm.create("ar2vm", "198.18.160.62");
  files = await configureVmFiles(lab, { version, autoregister: true, istiodIp: pod.status.podIP, probe: { httpGet: { path: "/", port: 8080 }, periodSeconds: 1, failureThreshold: 2 } });
  await vm.install(files);
});
test.after.always(async () => {
  app?.kill();
  await vm?.destroy();
  await lab?.close();
});

test.serial("on by default: the entry is created, health-checked (WorkloadGroup probe), Healthy while the VM's app answers", async (t) => {
  t.regex(files.meshYaml, /readinessProbe:/);
  startApp();
  const agent: AgentProcess = vm.startAgent(version, vm.agentEnv(files));
  await agent.waitForLine(/\tinfo\txdsproxy\tconnected to upstream XDS server: istiod\.istio-system\.svc:15012\tid=\d+$/);
  const we = await waitFor("the WorkloadEntry", getEntry);
  t.is(we.metadata.annotations["proxy.istio.io/health-checks-enabled"], "true");
  const line = await waitFor("istiod's line", async () => (await istiodLines()).find((l) => l.msg === `auto-registered WorkloadEntry legacy/${entryName()} with health checking enabled`));
  t.is(line.scope, "wle");
  t.is(await waitFor("Healthy=True", async () => ((await healthy()) === "True" ? "True" : undefined)), "True");
  app?.kill();
  t.is(await waitFor("Healthy=False", async () => ((await healthy()) === "False" ? "False" : undefined)), "False");
  await agent.stop();
  await waitFor("istiod's disconnect line", async () => (await istiodLines()).find((l) => l.msg === `updated auto-registered WorkloadEntry legacy/${entryName()} as disconnected`));
});

test.serial("a proxy whose identity differs from the group's template service account is refused, and nothing is registered", async (t) => {
  await lab.kubectl(["delete", "workloadentry", "-n", "legacy", entryName(), "--ignore-not-found"]);
  await waitFor("the entry gone", async () => (await getEntry()) === undefined);
  await lab.kubectl(["patch", "workloadgroup", "-n", "legacy", "pegasus-pay", "--type", "merge", "-p", '{"spec":{"template":{"serviceAccount":"other"}}}']);
  const agent = vm.startAgent(version, vm.agentEnv(files));
  const refused = await waitFor("istiod's refusal", async () => (await istiodLines()).find((l) => l.msg === 'registration of WorkloadEntry service account mismatch: "legacy-pegasus" vs "other"'));
  t.is(refused.level, "error");
  t.is(refused.scope, "wle");
  const agentSide = await agent.waitForLine(/\twarn\txdsproxy\tupstream terminated with unexpected error rpc error: code = Unknown desc = registration of WorkloadEntry service account mismatch: "legacy-pegasus" vs "other"\tid=\d+$/);
  t.truthy(agentSide);
  t.is(await getEntry(), undefined);
  await agent.stop();
});
