// The Istio faults of the lab that act after the sidecar runs, without the notebooks: the chapter's state for the
// course's 1.8.1 (mesh, east-west gateway, the VM's files and package, the sidecar started and registered, pegasus-pay
// on the VM's network under STRICT mTLS), then per fault: `lab fault <name>`, the symptom a student would see with the
// real tools (curl's answers, docker ps, nslookup, systemctl), `lab fault clear`, and the symptom gone.
import test from "ava";
import { acquireLabLock, labCli, type Ran } from "../../../helpers/lab-instance.js";
import { PEGASUS_SERVICE_YAML, peerAuthenticationYaml, prepareVm, runPegasus, startSidecar } from "./chapter.js";
import { Student } from "./student.js";

const VERSION = "1.8.1";
let student: Student;
let release: (() => Promise<void>) | undefined;

const VM_URL = "pegasus-pay.legacy.svc.cluster.local:8000";

const applyFault = async (t: { is: (a: unknown, b: unknown, m?: string) => void }, name: string) => {
  const r = await labCli("fault", name);
  t.is(r.exitCode, 0, `lab fault ${name}: ${r.stderr}${r.stdout}`);
};
const clearFault = async (t: { is: (a: unknown, b: unknown, m?: string) => void; regex: (s: string, re: RegExp, m?: string) => void }, name: string) => {
  const r = await labCli("fault", "clear", name);
  t.is(r.exitCode, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`falhas removidas: ${name}`));
};

/** payment → pegasus-pay, until the body matches `re`. */
const clusterCallsVm = (re: RegExp, attempts = 150): Promise<Ran> => student.kubectlEventually(["exec", "svc/payment", "-c", "payment", "--", "curl", "-s", "-m", "20", VM_URL], re, attempts);

test.before(async () => {
  release = await acquireLabLock();
  const reset = await labCli("reset");
  if (reset.exitCode !== 0) throw new Error(`lab reset failed: ${reset.stderr}`);
  student = await Student.start(VERSION);
  await prepareVm(student);
  const { ready } = await startSidecar(student);
  if (ready.stdout !== "200") throw new Error(`the sidecar did not become ready: ${ready.stdout}${ready.stderr}`);
  await student.ssh("sudo systemctl enable istio");
  await student.kubectlEventually(["get", "workloadentry", "-n", "legacy"], /pegasus-pay-/);
  await student.kubectl(["apply", "-f", "-"], peerAuthenticationYaml("STRICT"));
  await runPegasus(student, "host-network");
  await student.kubectl(["-n", "legacy", "apply", "-f", "-"], PEGASUS_SERVICE_YAML);
  const ok = await clusterCallsVm(/"app":"pegasus-pay"/);
  if (!/"app":"pegasus-pay"/.test(ok.stdout)) throw new Error(`cluster→VM does not work before the faults: ${ok.stdout}${ok.stderr}`);
});

test.after.always(async () => {
  await labCli("fault", "clear");
  await student?.finish();
  await labCli("down");
  await release?.();
});

test.serial("workloadentry-sa-mismatch: pods refuse the VM's certificate (CERTIFICATE_VERIFY_FAILED) until the entry names the VM's account again", async (t) => {
  await applyFault(t, "workloadentry-sa-mismatch");
  const we = await student.kubectl(["get", "workloadentry", "-n", "legacy", "-o", "jsonpath={.items[*].spec.serviceAccount}"]);
  t.is(we.stdout, "pegasus-legacy");
  const failed = await clusterCallsVm(/upstream connect error/);
  t.regex(failed.stdout, /^upstream connect error or disconnect\/reset before headers\. reset reason: connection failure, transport failure reason: TLS error: .*CERTIFICATE_VERIFY_FAILED/);
  await clearFault(t, "workloadentry-sa-mismatch");
  t.is((await student.kubectl(["get", "workloadentry", "-n", "legacy", "-o", "jsonpath={.items[*].spec.serviceAccount}"])).stdout, "legacy-pegasus");
  t.regex((await clusterCallsVm(/"app":"pegasus-pay"/)).stdout, /"app":"pegasus-pay"/);
});

// docker-dnat-bypass applied after the chapter's fix (pegasus-pay on --network host, STRICT) left pegasus-pay running
// without a published port in a calibration run (docker ps: no PORTS), so the bypass it stands for did not happen.
test.todo("docker-dnat-bypass: pegasus-pay published by Docker again: Docker's DNAT hands the pod's mTLS to the app (the course's 503)");

test.serial("dns-capture-breaks-external: behind a loopback stub resolver, 1.8's capture loops and outside names stop resolving on the VM", async (t) => {
  t.regex((await student.ssh("nslookup azure.archive.ubuntu.com")).stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
  await applyFault(t, "dns-capture-breaks-external");
  t.regex((await student.ssh("cat /etc/resolv.conf")).stdout, /^nameserver 127\.0\.0\.53$/m);
  await student.vmEventually("curl -s -o /dev/null -w '%{http_code}' localhost:15021/healthz/ready", /^200$/);
  const broken = await student.ssh("nslookup -timeout=3 -retry=1 azure.archive.ubuntu.com", 60_000);
  t.not(broken.exitCode, 0, broken.stdout);
  t.notRegex(broken.stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
  t.regex(broken.stdout + broken.stderr, /server can't find azure\.archive\.ubuntu\.com|connection timed out|no servers could be reached/);
  // Mesh names still come from the sidecar's DNS proxy.
  t.regex((await student.ssh("curl -s -m 10 payment.default.svc:8000/")).stdout, /"app":"payment"/);
  await clearFault(t, "dns-capture-breaks-external");
  await student.vmEventually("curl -s -o /dev/null -w '%{http_code}' localhost:15021/healthz/ready", /^200$/);
  t.regex((await student.vmEventually("nslookup azure.archive.ubuntu.com", /Name:\s+azure\.archive\.ubuntu\.com/, 50)).stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
});

// The four faults that stop the sidecar's start are asserted through the chapter (test/notebooks/faults.test.ts: the
// log check of "Verificando o funcionamento do sidecar" with its diagnosis, at the first start). Here, on a sidecar
// that already holds certificate files, a first calibration showed: 1.8's agent makes no CSR, so only the xDS proxy's
// `context deadline exceeded` appears for eastwest-unreachable, istiod-down and root-cert-mismatch alike, and after
// clearing eastwest-unreachable the next restart still timed out dialing the gateway. Not asserted until understood.
for (const fault of ["eastwest-unreachable", "istiod-down", "token-expired", "root-cert-mismatch"]) {
  test.todo(`${fault}: the symptom on a sidecar restarted with certificate files in place (see the comment above)`);
}

test.serial("sidecar-not-enabled-after-reboot: after the reboot the unit is inactive and disabled and nothing answers on 15000", async (t) => {
  await applyFault(t, "sidecar-not-enabled-after-reboot");
  t.is((await student.ssh("systemctl is-active istio; systemctl is-enabled istio")).stdout, "inactive\ndisabled\n");
  t.regex((await student.ssh("curl -sS localhost:15000/clusters")).stderr, /Failed to connect to localhost port 15000/);
  await clearFault(t, "sidecar-not-enabled-after-reboot");
  t.is((await student.ssh("systemctl is-active istio; systemctl is-enabled istio")).stdout, "active\nenabled\n");
  t.is((await student.vmEventually("curl -s -o /dev/null -w '%{http_code}' localhost:15021/healthz/ready", /^200$/)).stdout, "200");
});
