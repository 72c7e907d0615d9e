// The Istio faults of the lab that act after the sidecar runs, without the notebooks: the chapter's state for the
// course's 1.8.1 (mesh, east-west gateway, the VM's files and package, the sidecar started and registered, pegasus-pay
// on the VM's network under STRICT mTLS), then per fault: `lab fault <name>`, the symptom a student would see with the
// real tools (curl's answers, docker ps, nslookup, systemctl), `lab fault clear`, and the symptom gone.
import test, { type ExecutionContext } from "ava";
import { acquireLabLock, labCli, type Ran } from "../../../helpers/lab-instance.js";
import { eastWestAddress, EXPECT, PEGASUS_SERVICE_YAML, peerAuthenticationYaml, prepareVm, restartUntilReady, runPegasus, SIDECAR_READY as READY, startSidecar } from "./chapter.js";
import { Student } from "./student.js";

const VERSION = "1.8.1";
let student: Student;
let release: (() => Promise<void>) | undefined;

const VM_URL = "pegasus-pay.legacy.svc.cluster.local:8000";

const applyFault = async (t: ExecutionContext, name: string) => {
  // A failed assertion ends the test: the fault must not outlive it and break the next ones.
  t.teardown(async () => {
    await labCli("fault", "clear", name);
    if ((await student.ssh(READY)).stdout !== "200") await student.ssh("sudo systemctl restart istio");
  });
  const r = await labCli("fault", name);
  t.is(r.exitCode, 0, `lab fault ${name}: ${r.stderr}${r.stdout}`);
};
const clearFault = async (t: ExecutionContext, name: string) => {
  const r = await labCli("fault", "clear", name);
  t.is(r.exitCode, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`falhas removidas: ${name}`));
};

/** istio.log from the sidecar's latest start (pilot-agent's `Version 1.x.y-…` line) on. */
const LOG_SINCE_START = `awk '/^Version [0-9]/ { buf = "" } { buf = buf $0 "\\n" } END { printf "%s", buf }' /var/log/istio/istio.log`;

/** The VM calls payment through its sidecar. */
const vmCallsPayment = (): Promise<Ran> => student.vmEventually("curl -s -m 10 payment.default.svc:8000/", /"app":"payment"/);

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

test.serial("docker-dnat-bypass: pegasus-pay published by Docker again: Docker's DNAT hands the pod's mTLS to the plaintext app (the course's 503)", async (t) => {
  await applyFault(t, "docker-dnat-bypass");
  t.regex((await student.ssh("docker ps")).stdout, /0\.0\.0\.0:8000->8000\/tcp\s+pegasus-pay/);
  t.regex((await student.ssh("sudo iptables -t nat -S DOCKER")).stdout, /--dport 8000 -j DNAT --to-destination [\d.]+:8000/);
  const failed = await clusterCallsVm(/upstream connect error/);
  // The course's 503 (the app hangs up on the TLS handshake it cannot read).
  t.is(failed.stdout, EXPECT[VERSION]!.dockerPublishedPortFailure);
  await clearFault(t, "docker-dnat-bypass");
  t.notRegex((await student.ssh("docker ps")).stdout, /->8000\/tcp/);
  t.regex((await clusterCallsVm(/"app":"pegasus-pay"/)).stdout, /"app":"pegasus-pay"/);
});

test.serial("dns-capture-breaks-external: behind a loopback stub resolver, 1.8's capture loops and outside names stop resolving on the VM", async (t) => {
  t.regex((await student.ssh("nslookup azure.archive.ubuntu.com")).stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
  await applyFault(t, "dns-capture-breaks-external");
  t.regex((await student.ssh("cat /etc/resolv.conf")).stdout, /^nameserver 127\.0\.0\.53$/m);
  await student.vmEventually(READY, /^200$/);
  const broken = await student.ssh("nslookup -timeout=3 -retry=1 azure.archive.ubuntu.com", 60_000);
  t.not(broken.exitCode, 0, broken.stdout);
  t.notRegex(broken.stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
  t.regex(broken.stdout + broken.stderr, /server can't find azure\.archive\.ubuntu\.com|connection timed out|no servers could be reached/);
  // Mesh names still come from the sidecar's DNS proxy.
  t.regex((await student.ssh("curl -s -m 10 payment.default.svc:8000/")).stdout, /"app":"payment"/);
  await clearFault(t, "dns-capture-breaks-external");
  await student.vmEventually(READY, /^200$/);
  t.regex((await student.vmEventually("nslookup azure.archive.ubuntu.com", /Name:\s+azure\.archive\.ubuntu\.com/, 50)).stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
});

// The faults that stop a sidecar's start, on a sidecar that already runs with its certificate files (the chapter's
// notebook run asserts them at the first start, with their diagnoses): the symptom after a restart, and the sidecar
// ready again after `fault clear` and a restart.
test.serial("eastwest-unreachable: the VM's connections to the gateway time out, and a restarted sidecar cannot reach istiod", async (t) => {
  const gateway = await eastWestAddress(student);
  await applyFault(t, "eastwest-unreachable");
  // As istio-proxy: the sidecar's outbound capture would hand anyone else's connection to Envoy, which accepts it.
  const nc = await student.ssh(`sudo -u istio-proxy nc -vz -w 3 ${gateway} 15012`);
  t.not(nc.exitCode, 0);
  t.regex(nc.stderr + nc.stdout, /timed out/);
  await student.ssh("sudo systemctl restart istio");
  t.regex((await student.vmEventually(LOG_SINCE_START, /failed to connect to upstream istiod\.istio-system\.svc:15012: context deadline exceeded/)).stdout, /xdsproxy\s+failed to connect to upstream/);
  t.regex((await student.vmEventually(READY, /^503$/)).stdout, /^503$/);
  await clearFault(t, "eastwest-unreachable");
  t.is((await student.ssh(`sudo -u istio-proxy nc -vz -w 3 ${gateway} 15012`)).exitCode, 0);
  t.is((await restartUntilReady(student)).stdout, "200");
  t.regex((await vmCallsPayment()).stdout, /"app":"payment"/);
});

test.serial("istiod-down: the gateway has no istiod behind 15012; a restarted sidecar never receives its configuration", async (t) => {
  await applyFault(t, "istiod-down");
  t.is((await student.kubectl(["-n", "istio-system", "get", "deployment", "istiod", "-o", "jsonpath={.spec.replicas}"])).stdout, "0");
  await student.ssh("sudo systemctl restart istio");
  t.regex((await student.vmEventually(READY, /^503$/)).stdout, /^503$/);
  const log = (await student.vmEventually(LOG_SINCE_START, /failed to connect to upstream istiod\.istio-system\.svc:15012/)).stdout;
  t.regex(log, /Envoy proxy is NOT ready: config not received from Pilot/);
  t.regex(log, /xdsproxy\s+failed to connect to upstream istiod\.istio-system\.svc:15012: context deadline exceeded/);
  await clearFault(t, "istiod-down");
  t.is((await restartUntilReady(student)).stdout, "200");
  t.regex((await vmCallsPayment()).stdout, /"app":"payment"/);
});

test.serial("token-expired: without its certificate files the sidecar asks for one with an expired token and istiod refuses it", async (t) => {
  await applyFault(t, "token-expired");
  t.not((await student.ssh("sudo test -e /etc/certs/cert-chain.pem")).exitCode, 0);
  const log = await student.vmEventually(LOG_SINCE_START, /Unauthenticated/);
  t.regex(log.stdout, /rpc error: code = Unauthenticated desc = (?:request )?authenticat\w* fail/);
  t.not((await student.ssh(READY)).stdout, "200");
  await clearFault(t, "token-expired");
  t.is((await student.ssh("sudo test -s /etc/certs/cert-chain.pem")).exitCode, 0);
  t.is((await restartUntilReady(student)).stdout, "200");
  t.notRegex((await student.ssh(LOG_SINCE_START)).stdout, /Unauthenticated/);
});

test.serial("root-cert-mismatch: a sidecar that trusts another root cannot connect to istiod and never gets ready", async (t) => {
  await applyFault(t, "root-cert-mismatch");
  t.regex((await student.vmEventually(LOG_SINCE_START, /failed to connect to upstream/)).stdout, /xdsproxy\s+failed to connect to upstream istiod\.istio-system\.svc:15012: context deadline exceeded/);
  t.regex((await student.vmEventually(READY, /^503$/)).stdout, /^503$/);
  await clearFault(t, "root-cert-mismatch");
  t.is((await restartUntilReady(student)).stdout, "200");
  t.regex((await vmCallsPayment()).stdout, /"app":"payment"/);
});

test.serial("sidecar-not-enabled-after-reboot: after the reboot the unit is inactive and disabled and nothing answers on 15000", async (t) => {
  await applyFault(t, "sidecar-not-enabled-after-reboot");
  t.is((await student.ssh("systemctl is-active istio; systemctl is-enabled istio")).stdout, "inactive\ndisabled\n");
  t.regex((await student.ssh("curl -sS localhost:15000/clusters")).stderr, /Failed to connect to localhost port 15000/);
  await clearFault(t, "sidecar-not-enabled-after-reboot");
  t.is((await student.ssh("systemctl is-active istio; systemctl is-enabled istio")).stdout, "active\nenabled\n");
  t.is((await student.vmEventually(READY, /^200$/)).stdout, "200");
});
