// The chapter end to end against a fresh lab, without the notebooks, as ordered serial tests (each a step the student
// takes, asserting what the real tools print): mesh with auto-registration, east-west gateway, istiod exposed, the
// VM's namespace and identity, its files, the package and the files on the VM, the sidecar's start, VM→cluster by
// name, auto-registration, cluster→VM with mTLS (Docker's published port, DISABLE, STRICT with host networking),
// the ServiceEntry, reboots with and without `systemctl enable`, and the clean-up.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { acquireLabLock, labCli } from "../../../helpers/lab-instance.js";
import {
  deployPayment,
  eastWestAddress,
  EXPECT,
  exposeIstiod,
  generateVmFiles,
  installIstio,
  PEGASUS_SERVICE_YAML,
  peerAuthenticationYaml,
  prepareNamespace,
  runOnVm,
  runPegasus,
  SERVICE_ENTRY_YAML,
  SIDECAR_READY,
  startSidecar,
  VM_INSTALL_COMMANDS,
  vmFilesDir,
} from "./chapter.js";
import { Student } from "./student.js";

/** Registers the flow's tests for one release. */
export const chapterFlow = (version: string): void => {
  const expect = EXPECT[version]!;
  let student: Student;
  let release: (() => Promise<void>) | undefined;
  let eastWestIp = "";

  test.before(async () => {
    release = await acquireLabLock();
    const reset = await labCli("reset");
    if (reset.exitCode !== 0) throw new Error(`lab reset failed: ${reset.stderr}`);
    student = await Student.start(version);
  });
  test.after.always(async () => {
    await student?.finish();
    await labCli("down");
    await release?.();
  });

  test.serial(`${version}: istioctl installs the mesh with WorkloadEntry auto-registration`, async (t) => {
    const r = await installIstio(student);
    t.is(r.exitCode, 0, r.stderr);
    t.regex(r.stdout + r.stderr, /✔ Installation complete/);
    const env = await student.kubectl(["-n", "istio-system", "get", "deployment", "istiod", "-o", "jsonpath={.spec.template.spec.containers[0].env[?(@.name=='PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION')].value}"]);
    t.is(env.stdout, "true");
  });

  test.serial(`${version}: the east-west gateway gets a LoadBalancer address and exposes istiod`, async (t) => {
    const { install } = await student.eastWestGateway();
    t.is(install.exitCode, 0, install.stderr);
    const expose = await exposeIstiod(student);
    t.is(expose.exitCode, 0, expose.stderr);
    t.regex(expose.stdout, /gateway\.networking\.istio\.io\/istiod-gateway created/);
    eastWestIp = await eastWestAddress(student);
    t.regex(eastWestIp, /^198\.\d+\.\d+\.\d+$/);
    const svc = await student.kubectl(["get", "svc", "-n", "istio-system", "istio-eastwestgateway"]);
    t.regex(svc.stdout, /15012:\d+\/TCP/);
  });

  test.serial(`${version}: payment runs in the mesh`, async (t) => {
    const r = await deployPayment(student);
    t.is(r.exitCode, 0, r.stderr);
    t.regex((await student.kubectl(["get", "pods", "-l", "app=payment"])).stdout, /\s2\/2\s+Running\s/);
  });

  test.serial(`${version}: the VM's namespace and service account`, async (t) => {
    const [ns, sa] = await prepareNamespace(student);
    t.is(ns!.stdout, "namespace/legacy created\n");
    t.is(sa!.stdout, "serviceaccount/legacy-pegasus created\n");
  });

  test.serial(`${version}: the WorkloadGroup and the VM's five files`, async (t) => {
    const { group, configure, apply } = await generateVmFiles(student);
    t.is(group.exitCode, 0, group.stderr);
    t.regex(group.stdout, /^kind: WorkloadGroup$/m);
    t.is(configure.exitCode, 0, configure.stderr);
    t.is(apply.stdout, "workloadgroup.networking.istio.io/pegasus-pay created\n");
    t.deepEqual((await readdir(vmFilesDir(student))).sort(), ["cluster.env", "hosts", "istio-token", "mesh.yaml", "root-cert.pem"]);
    t.is(await readFile(path.join(vmFilesDir(student), "hosts"), "utf8"), `${eastWestIp} istiod.istio-system.svc\n`);
    t.regex(await readFile(path.join(vmFilesDir(student), "cluster.env"), "utf8"), /^ISTIO_META_AUTO_REGISTER_GROUP='pegasus-pay'$/m);
  });

  test.serial(`${version}: the files go to the VM with scp; the fresh VM has no Istio yet`, async (t) => {
    const scp = await student.scpToVm(vmFilesDir(student));
    t.is(scp.exitCode, 0, scp.stderr);
    t.regex((await student.ssh("ls /home/peguser")).stdout, /cluster\.env\nhosts\nistio-token\nmesh\.yaml\nroot-cert\.pem/);
    t.regex((await student.ssh("ls /var/lib/istio/envoy")).stderr, /No such file or directory/);
    t.regex((await student.ssh("id istio-proxy")).stderr, /no such user/);
  });

  test.serial(`${version}: the package from the release bucket installs with dpkg -i, then the files go into its folders`, async (t) => {
    const steps = await runOnVm(student, VM_INSTALL_COMMANDS(student));
    for (const { command, ran } of steps) t.is(ran.exitCode, 0, `${command}: ${ran.stderr}`);
    t.is(steps.length, VM_INSTALL_COMMANDS(student).length);
    const dpkg = steps.find((s) => s.command === "sudo dpkg -i istio-sidecar.deb")!.ran;
    t.regex(dpkg.stdout, new RegExp(`Setting up istio-sidecar \\(${version.replace(/\./g, "\\.")}\\) \\.\\.\\.`));
    t.is((await student.ssh("systemctl is-enabled istio")).stdout, "disabled\n", "the package does not enable the unit");
    t.regex((await student.ssh("tail -1 /etc/hosts")).stdout, new RegExp(`^${eastWestIp.replace(/\./g, "\\.")} istiod\\.istio-system\\.svc$`, "m"));
    t.is((await student.ssh("stat -c %U /var/lib/istio/envoy/cluster.env /etc/istio/config/mesh /var/run/secrets/tokens/istio-token")).stdout, "istio-proxy\nistio-proxy\nistio-proxy\n");
  });

  test.serial(`${version}: pegasus-pay runs in Docker as the course runs it (-p 8000:8000)`, async (t) => {
    const r = await runPegasus(student, "published");
    t.is(r.exitCode, 0, r.stderr);
    t.regex(r.stdout, /^[0-9a-f]{64}$/m);
  });

  test.serial(`${version}: systemctl start istio: the release's log lines, admin on 15000 with payment's cluster, ready on 15021`, async (t) => {
    const { start, ready, log } = await startSidecar(student);
    t.is(start.exitCode, 0, start.stderr);
    t.is(ready.stdout, "200");
    for (const line of expect.successLines) t.regex(log.stdout, line);
    const clusters = await student.ssh("curl -s localhost:15000/clusters");
    t.regex(clusters.stdout, /^outbound\|8000\|\|payment\.default\.svc\.cluster\.local::/m);
    t.regex(clusters.stdout, /^outbound\|8000\|\|payment\.default\.svc\.cluster\.local::198\.\d+\.\d+\.\d+:8000::cx_active::\d+$/m);
    t.is((await student.ssh("systemctl is-active istio")).stdout, "active\n");
  });

  test.serial(`${version}: the VM calls payment by its cluster name (DNS proxy and outbound capture)`, async (t) => {
    const r = await student.ssh("curl -s payment.default.svc:8000/");
    t.is(r.exitCode, 0, r.stderr);
    t.like(JSON.parse(r.stdout) as object, { app: "payment", version: "v1" });
    const lookup = await student.ssh("nslookup payment.default.svc.cluster.local");
    t.regex(lookup.stdout, /Name:\tpayment\.default\.svc\.cluster\.local\nAddress: 198\.19\.\d+\.\d+/);
  });

  test.serial(`${version}: the VM registered itself as <group>-<ip>`, async (t) => {
    const r = await student.kubectlEventually(["get", "workloadentry", "-n", "legacy"], /pegasus-pay-/);
    t.regex(r.stdout, new RegExp(`^pegasus-pay-${student.vmAddress.replace(/\./g, "\\.")}\\s+\\S+\\s+${student.vmAddress.replace(/\./g, "\\.")}$`, "m"), r.stderr);
  });

  test.serial(`${version}: cluster→VM with mTLS fails at Docker's published port with Envoy's text, works under DISABLE`, async (t) => {
    t.is((await student.kubectl(["-n", "legacy", "apply", "-f", "-"], PEGASUS_SERVICE_YAML)).exitCode, 0);
    const failed = await student.curlFromPayment("pegasus-pay.legacy.svc.cluster.local:8000");
    t.is(failed.stdout, expect.dockerPublishedPortFailure);
    t.is((await student.kubectl(["apply", "-f", "-"], peerAuthenticationYaml("DISABLE"))).exitCode, 0);
    const ok = await student.kubectlEventually(["exec", "svc/payment", "-c", "payment", "--", "curl", "-s", "-m", "20", "pegasus-pay.legacy.svc.cluster.local:8000"], /"app":"pegasus-pay"/);
    t.like(JSON.parse(ok.stdout) as object, { app: "pegasus-pay" });
  });

  test.serial(`${version}: under STRICT, pegasus-pay on the VM's network (--network host) answers through the sidecar`, async (t) => {
    t.is((await student.kubectl(["apply", "-f", "-"], peerAuthenticationYaml("STRICT"))).exitCode, 0);
    t.is((await runPegasus(student, "host-network")).exitCode, 0);
    const ok = await student.kubectlEventually(["exec", "svc/payment", "-c", "payment", "--", "curl", "-s", "-m", "20", "pegasus-pay.legacy.svc.cluster.local:8000"], /"app":"pegasus-pay"/);
    t.like(JSON.parse(ok.stdout) as object, { app: "pegasus-pay", version: "v1" });
  });

  test.serial(`${version}: the ServiceEntry for Kiali`, async (t) => {
    t.is((await student.kubectl(["apply", "-f", "-"], SERVICE_ENTRY_YAML)).stdout, "serviceentry.networking.istio.io/pegasus-pay created\n");
    const se = await student.kubectl(["get", "se/pegasus-pay", "-n", "legacy"]);
    t.regex(se.stdout, /^pegasus-pay\s+\["pegasus-pay\.legacy"\]\s+MESH_INTERNAL\s+DNS\s+/m, se.stderr);
  });

  test.serial(`${version}: a started but not enabled sidecar is down after a reboot; an enabled one comes back`, async (t) => {
    t.is((await labCli("vm", "reboot")).exitCode, 0);
    t.is((await student.ssh("systemctl is-active istio")).stdout, "inactive\n");
    t.regex((await student.ssh("curl -s localhost:15000/clusters")).stdout, /^$/);
    t.is((await student.ssh("sudo systemctl start istio")).exitCode, 0);
    t.is((await student.ssh("sudo systemctl enable istio")).exitCode, 0);
    t.is((await student.ssh("systemctl is-enabled istio")).stdout, "enabled\n");
    t.is((await labCli("vm", "reboot")).exitCode, 0);
    t.is((await student.ssh("systemctl is-active istio")).stdout, "active\n");
    const ready = await student.vmEventually(SIDECAR_READY, /^200$/);
    t.is(ready.stdout, "200");
    const call = await student.ssh("curl -s payment.default.svc:8000/");
    t.like(JSON.parse(call.stdout) as object, { app: "payment" });
  });

  test.serial(`${version}: clean-up: the sidecar stopped, the package removed (its conffiles stay), the namespace deleted`, async (t) => {
    t.is((await student.ssh("sudo systemctl stop istio")).exitCode, 0);
    const remove = await student.ssh("sudo dpkg -r istio-sidecar");
    t.regex(remove.stdout, /Removing istio-sidecar \(.+\) \.\.\./);
    const status = await student.ssh("dpkg -s istio-sidecar");
    t.regex(status.stdout, /^Status: deinstall ok config-files$/m);
    t.regex((await student.ssh("ls /var/lib/istio/envoy")).stdout, /envoy_bootstrap_tmpl\.json\n(.*\n)*sidecar\.env/);
    t.regex((await student.ssh("ls /usr/local/bin/pilot-agent")).stderr, /No such file or directory/);
    t.regex((await student.ssh("id istio-proxy")).stdout, /^uid=\d+\(istio-proxy\)/, "dpkg -r leaves the system user");
    const ns = await student.kubectl(["delete", "ns", "legacy"]);
    t.is(ns.stdout, 'namespace "legacy" deleted\n');
  });
};
