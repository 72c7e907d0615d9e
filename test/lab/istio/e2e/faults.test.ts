// Each Istio fault of the lab, without the notebooks: the chapter's state for the course's 1.8.1 (mesh, east-west
// gateway, the VM's files and package, the sidecar started and registered, pegasus-pay on the VM's network under
// STRICT mTLS), then per fault: `lab fault <name>`, the symptom a student would see with the real tools (the sidecar's
// log lines, curl's answers, systemctl, nslookup), `lab fault clear`, and the symptom gone.
import test from "ava";
import { acquireLabLock, labCli, type Ran } from "../../../helpers/lab-instance.js";
import { eastWestAddress, PEGASUS_SERVICE_YAML, peerAuthenticationYaml, prepareVm, restartUntilReady, runPegasus, startSidecar } from "./chapter.js";
import { Student } from "./student.js";

const VERSION = "1.8.1";
let student: Student;
let release: (() => Promise<void>) | undefined;
let eastWestIp = "";

const LOG = "/var/log/istio/istio.log";
const VM_URL = "pegasus-pay.legacy.svc.cluster.local:8000";

/** Empties the sidecar's log, restarts it and waits until the log matches `re` (the lines of this start only). */
const restartAndWatchLog = async (re: RegExp): Promise<Ran> => {
  await student.ssh(`sudo truncate -s 0 ${LOG}`);
  await student.ssh("sudo systemctl restart istio");
  return student.vmEventually(`cat ${LOG}`, re, 300);
};

/** Lines of the log that match `re` (for the assertion message). */
const lines = (r: Ran, re: RegExp): string => r.stdout.split("\n").filter((l) => re.test(l)).join("\n") || r.stdout.split("\n").slice(-15).join("\n");

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
  eastWestIp = await eastWestAddress(student);
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

test.serial("docker-dnat-bypass: pegasus-pay published by Docker again: Docker's DNAT hands the pod's mTLS to the app (the course's 503)", async (t) => {
  await applyFault(t, "docker-dnat-bypass");
  t.regex((await student.ssh("docker ps --format '{{.Names}} {{.Ports}}'")).stdout, /^pegasus-pay 0\.0\.0\.0:8000->8000\/tcp/m);
  const failed = await clusterCallsVm(/upstream connect error/);
  t.is(failed.stdout, "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
  await clearFault(t, "docker-dnat-bypass");
  t.regex((await clusterCallsVm(/"app":"pegasus-pay"/)).stdout, /"app":"pegasus-pay"/);
});

test.serial("dns-capture-breaks-external: behind a loopback stub resolver, 1.8's capture loops and outside names stop resolving on the VM", async (t) => {
  t.regex((await student.ssh("nslookup azure.archive.ubuntu.com")).stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
  await applyFault(t, "dns-capture-breaks-external");
  t.regex((await student.ssh("cat /etc/resolv.conf")).stdout, /^nameserver 127\.0\.0\.53$/m);
  await student.vmEventually("curl -s -o /dev/null -w '%{http_code}' localhost:15021/healthz/ready", /^200$/);
  const broken = await student.ssh("nslookup -timeout=3 -retry=1 azure.archive.ubuntu.com", 60_000);
  t.not(broken.exitCode, 0, broken.stdout);
  t.notRegex(broken.stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
  t.regex(broken.stdout + broken.stderr, /connection timed out|SERVFAIL|no servers could be reached/);
  // Mesh names still come from the sidecar's DNS proxy.
  t.regex((await student.ssh("curl -s -m 10 payment.default.svc:8000/")).stdout, /"app":"payment"/);
  await clearFault(t, "dns-capture-breaks-external");
  await student.vmEventually("curl -s -o /dev/null -w '%{http_code}' localhost:15021/healthz/ready", /^200$/);
  t.regex((await student.vmEventually("nslookup azure.archive.ubuntu.com", /Name:\s+azure\.archive\.ubuntu\.com/, 50)).stdout, /Name:\s+azure\.archive\.ubuntu\.com/);
});

test.serial("eastwest-unreachable: the restarted sidecar times out dialing the gateway on 15012", async (t) => {
  await applyFault(t, "eastwest-unreachable");
  const nc = await student.ssh(`nc -vz -w 3 ${eastWestIp} 15012`);
  t.not(nc.exitCode, 0);
  const re = new RegExp(`dial tcp ${eastWestIp.replaceAll(".", "\\.")}:15012: i/o timeout`);
  const log = await restartAndWatchLog(re);
  t.regex(log.stdout, re, lines(log, /error|warn/));
  await clearFault(t, "eastwest-unreachable");
  t.is((await restartUntilReady(student)).stdout, "200");
});

test.serial("istiod-down: istiod scaled to 0; the gateway closes the sidecar's connections before TLS (EOF)", async (t) => {
  await applyFault(t, "istiod-down");
  t.regex((await student.kubectl(["-n", "istio-system", "get", "deployment", "istiod", "-o", "jsonpath={.spec.replicas}"])).stdout, /^0$/);
  const re = /transport: authentication handshake failed: EOF/;
  const log = await restartAndWatchLog(re);
  t.regex(log.stdout, re, lines(log, /error|warn/));
  await clearFault(t, "istiod-down");
  t.is((await restartUntilReady(student)).stdout, "200");
});

test.serial("token-expired: the first start needs the token, and istiod refuses it (Unauthenticated)", async (t) => {
  await applyFault(t, "token-expired");
  const re = /Failed to create certificate: rpc error: code = Unauthenticated desc = .*authenticat/;
  const log = await restartAndWatchLog(re);
  t.regex(log.stdout, re, lines(log, /error|warn/));
  t.regex(log.stdout, /cannot load key pair, using token instead/);
  await clearFault(t, "token-expired");
  t.is((await restartUntilReady(student)).stdout, "200");
});

test.serial("root-cert-mismatch: the VM trusts another root, so istiod's certificate is signed by an unknown authority", async (t) => {
  await applyFault(t, "root-cert-mismatch");
  const re = /x509: certificate signed by unknown authority/;
  const log = await restartAndWatchLog(re);
  t.regex(log.stdout, re, lines(log, /error|warn/));
  await clearFault(t, "root-cert-mismatch");
  t.is((await restartUntilReady(student)).stdout, "200");
});

test.serial("sidecar-not-enabled-after-reboot: after the reboot the unit is inactive and disabled and nothing answers on 15000", async (t) => {
  await applyFault(t, "sidecar-not-enabled-after-reboot");
  t.is((await student.ssh("systemctl is-active istio; systemctl is-enabled istio")).stdout, "inactive\ndisabled\n");
  t.regex((await student.ssh("curl -sS localhost:15000/clusters")).stderr, /Failed to connect to localhost port 15000/);
  await clearFault(t, "sidecar-not-enabled-after-reboot");
  t.is((await student.ssh("systemctl is-active istio; systemctl is-enabled istio")).stdout, "active\nenabled\n");
  t.is((await student.vmEventually("curl -s -o /dev/null -w '%{http_code}' localhost:15021/healthz/ready", /^200$/)).stdout, "200");
});
