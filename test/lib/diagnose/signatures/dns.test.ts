import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";

const NSLOOKUP_VM = ";; connection timed out; no servers could be reached\n";
const NXDOMAIN = "** server can't find azure.archive.ubuntu.com: NXDOMAIN\n";
const onVm = (stdout: string, extra = {}) => diagnose({ result: { stdout, stderr: "", exitCode: 1, command: "nslookup azure.archive.ubuntu.com", target: "ssh" }, context: { istioVersion: "1.8.1", ...extra } });

test("1.8: outside names break on the VM because DNS capture loops through the local resolver (#29224)", (t) => {
  const [d] = onVm(NXDOMAIN);
  t.is(d!.id, "dns-da-vm-nomes-externos");
  t.regex(d!.cause, /azure.archive.ubuntu.com não resolve \(istio\/istio#29224/);
  t.regex(d!.fix, /--capture-dns=false/);
  t.is(onVm(NSLOOKUP_VM)[0]!.id, "dns-da-vm-nomes-externos");
  t.is(diagnose({ result: { stdout: "", stderr: "curl: (6) Could not resolve host: azure.archive.ubuntu.com\n", exitCode: 6, target: "ssh" }, context: { istioVersion: "1.8.1" } })[0]!.id, "dns-da-vm-nomes-externos");
});

test("newer versions: the DNS proxy answers SERVFAIL while istiod is unreachable (#43276)", (t) => {
  const [d] = onVm("** server can't find azure.archive.ubuntu.com: SERVFAIL\n", { istioVersion: "1.30.0" });
  t.is(d!.id, "dns-da-vm-nomes-externos/sem-istiod");
});

test("cluster names on the VM need the sidecar's DNS proxy", (t) => {
  const [d] = diagnose({ result: { stdout: "", stderr: "curl: (6) Could not resolve host: payment.default.svc\n", exitCode: 6, target: "ssh" }, context: { istioVersion: "1.8.1" } });
  t.is(d!.id, "dns-da-vm-nomes-do-cluster");
  t.is(diagnose({ text: "** server can't find payment.default.svc.cluster.local: NXDOMAIN", context: { onVm: true, dnsCapture: false } })[0]!.id, "dns-da-vm-nomes-do-cluster/captura-desligada");
});

test("DNS failures outside the VM, or with capture off for outside names, are not blamed on the sidecar", (t) => {
  t.deepEqual(diagnose({ text: NXDOMAIN }).map((d) => d.id), []);
  t.false(onVm(NXDOMAIN, { dnsCapture: false }).some((d) => d.id.startsWith("dns-da-vm")));
});
