// The agent's DNS proxy on a VM: mesh names from the name table, everything else forwarded to resolv.conf's servers
// as the proxy's uid; and the course's DNS story — with 1.8's capture of every udp/53 query, a loopback stub resolver
// (systemd-resolved's 127.0.0.53) has its own queries sent back to the proxy and outside names fail; 1.9+ only
// captures queries to resolv.conf's servers and they resolve.
import test from "ava";
import path from "node:path";
import { mkdir, writeFile } from "node:fs/promises";
import { applyCapture, netnsRunner } from "../../../../../lab/istio/proxy/capture/apply.js";
import { vmCaptureOptions } from "../../../../../lab/istio/proxy/capture/options.js";
import { dataPlaneProfile } from "../../../../../lab/istio/proxy/release.js";
import { TestLan, type TestNode } from "../../helpers/testnet.js";
import { TestCa } from "../../helpers/ca.js";
import { distRoot, NsProcess, ProxyProcess, startInNetns } from "../../helpers/processes.js";
import { snapshotFor, type TestService, type TestWorkload } from "../../helpers/mesh-config.js";

const VM_PROXY_UID = 2337; // the istio-proxy system user on the VM (a uid nobody else uses here)
const DNS_FIXTURE = path.join(distRoot, "test", "lab", "istio", "fixtures", "dns-servers.js");

interface World {
  lan: TestLan;
  vm: TestNode;
  cloud: TestNode;
  wVm: TestWorkload;
  services: TestService[];
  upstream: NsProcess;
  stub?: NsProcess;
  proxy?: ProxyProcess;
}

let world: World | undefined;

/** dig in a namespace (it reads the namespace's /etc/resolv.conf). */
const dig = async (node: TestNode, name: string, { type = "A", tcp = false }: { type?: string; tcp?: boolean } = {}) => {
  const r = await node.exec(["dig", "+time=8", "+tries=1", ...(tcp ? ["+tcp"] : []), name, type], { allowFailure: true, timeoutMs: 30_000 });
  const status = /status: ([A-Z]+)/.exec(r.stdout)?.[1] ?? (r.stdout.includes("timed out") ? "TIMEOUT" : "NONE");
  const answerSection = r.stdout.split(";; ANSWER SECTION:\n")[1]?.split("\n\n")[0] ?? "";
  const answers = answerSection
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(/\s+/))
    .map((f) => ({ name: f[0]!, type: f[3]!, data: f[4]! }));
  return { status, answers, raw: r.stdout };
};

const setup = async (): Promise<World> => {
  const lan = await TestLan.create(4);
  const vm = await lan.addNode("vm", 10);
  const cloud = await lan.addNode("clouddns", 53);
  const upstream = startInNetns("cloud dns", cloud.netns, ["node", DNS_FIXTURE, "upstream", "--address", cloud.ip]);
  await upstream.waitForLine(/^listening/);
  const ca = await TestCa.create();
  const wVm: TestWorkload = { name: "pegasus-pay", namespace: "legacy", serviceAccount: "legacy-pegasus", labels: { app: "pegasus-pay" }, ip: vm.ip, kind: "vm", identity: await ca.issue("legacy", "legacy-pegasus"), sidecar: true };
  const services: TestService[] = [
    { name: "payment", namespace: "default", vip: lan.vip(40), ports: [{ name: "http", port: 8000 }], backends: [] },
    { name: "pegasus-pay", namespace: "legacy", vip: lan.vip(41), ports: [{ name: "http-vm", port: 8000 }], backends: [{ workload: wVm, kind: "workloadentry" }] },
  ];
  return { lan, vm, cloud, wVm, services, upstream };
};

/** (Re)starts the VM side: resolv.conf, the loopback stub when asked, capture rules, and the proxy with DNS capture. */
const startVm = async (w: World, { version, stub, config = true }: { version: string; stub: boolean; config?: boolean }): Promise<void> => {
  await w.proxy?.stop();
  await w.stub?.stop();
  w.proxy = undefined;
  w.stub = undefined;
  const resolvConf = stub ? "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch ilab.internal\n" : `nameserver ${w.cloud.ip}\nsearch ilab.internal\n`;
  await mkdir(`/etc/netns/${w.vm.netns}`, { recursive: true });
  await writeFile(`/etc/netns/${w.vm.netns}/resolv.conf`, resolvConf);
  for (const table of ["nat", "raw"]) {
    await w.vm.exec(["iptables", "-t", table, "-F"]);
    await w.vm.exec(["iptables", "-t", table, "-X"]);
  }
  const profile = dataPlaneProfile(version);
  const env = { ISTIO_INBOUND_PORTS: "*", ISTIO_SERVICE_CIDR: "*", ISTIO_META_DNS_CAPTURE: "true" };
  await applyCapture({ profile, options: vmCaptureOptions({ env, proxyUid: String(VM_PROXY_UID), resolvConf }), run: netnsRunner(w.vm.netns) });
  if (stub) {
    w.stub = startInNetns("stub resolver", w.vm.netns, ["node", DNS_FIXTURE, "stub", "--upstream", w.cloud.ip]);
    await w.stub.waitForLine(/^listening/);
  }
  w.proxy = await ProxyProcess.start({
    netns: w.vm.netns,
    istioVersion: version,
    uid: VM_PROXY_UID,
    dnsNamespace: "legacy",
    config: config ? snapshotFor({ self: w.wVm, services: w.services }) : undefined,
  });
};

test.before(async () => {
  world = await setup();
});

test.after.always(async () => {
  if (!world) return;
  await world.proxy?.stop();
  await world.stub?.stop();
  await world.upstream.stop();
  await world.lan.cleanup();
});

test.serial("1.8.1: the DNS proxy logs its start in the default scope and answers NXDOMAIN until the name table arrives", async (t) => {
  const w = world!;
  await startVm(w, { version: "1.8.1", stub: false, config: false });
  const line = await w.proxy!.proc.waitForLine(/Starting local udp DNS server/);
  t.regex(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\tinfo\tStarting local udp DNS server at 0\.0\.0\.0:15053$/);
  t.is((await dig(w.vm, "payment.default.svc.cluster.local")).status, "NXDOMAIN");
  t.is((await dig(w.vm, "example.org")).status, "NXDOMAIN", "before the first name table, even outside names fail");
  await w.proxy!.update(snapshotFor({ self: w.wVm, services: w.services }));
  const after = await dig(w.vm, "payment.default.svc.cluster.local");
  t.is(after.status, "NOERROR");
  t.deepEqual(after.answers, [{ name: "payment.default.svc.cluster.local.", type: "A", data: w.lan.vip(40) }]);
});

test.serial("1.8.1: mesh names resolve in their alternate forms; outside names go upstream as the proxy's uid", async (t) => {
  const w = world!;
  await startVm(w, { version: "1.8.1", stub: false });
  for (const name of ["payment.default.svc.cluster.local", "payment.default.svc", "payment.default", "pegasus-pay", "pegasus-pay.legacy"]) {
    const r = await dig(w.vm, name);
    t.is(r.status, "NOERROR", name);
    t.is(r.answers.at(-1)?.data, name.startsWith("payment") ? w.lan.vip(40) : w.lan.vip(41), name);
  }
  t.is((await dig(w.vm, "payment", {})).status, "NXDOMAIN", "the short name only exists in the proxy's own namespace");
  t.is((await dig(w.vm, "payment.default.svc.cluster.local", { type: "AAAA" })).status, "NXDOMAIN", "1.8: a known name without AAAA is NXDOMAIN");
  const outside = await dig(w.vm, "example.org");
  t.is(outside.status, "NOERROR");
  t.deepEqual(outside.answers.map((a) => a.data), ["198.18.200.7"]);
});

test.serial("1.8.1: with a loopback stub resolver (127.0.0.53), the stub's own queries are captured and outside names fail", async (t) => {
  const w = world!;
  await startVm(w, { version: "1.8.1", stub: true });
  t.is((await dig(w.vm, "payment.default.svc.cluster.local")).status, "NOERROR", "mesh names still work");
  const outside = await dig(w.vm, "azure.archive.ubuntu.com");
  t.is(outside.status, "NXDOMAIN");
  t.deepEqual(outside.answers, []);
  await w.stub!.waitForLine(/stub joins the pending query for azure\.archive\.ubuntu\.com/);
});

test.serial("1.30.0: the DNS proxy logs in the dns scope on 127.0.0.1 and answers SERVFAIL until the name table arrives", async (t) => {
  const w = world!;
  await startVm(w, { version: "1.30.0", stub: false, config: false });
  const line = await w.proxy!.proc.waitForLine(/Starting local udp DNS server/);
  t.regex(line, /\tinfo\tdns\tStarting local udp DNS server on 127\.0\.0\.1:15053$/);
  t.is((await dig(w.vm, "payment.default.svc.cluster.local")).status, "SERVFAIL");
});

test.serial("1.30.0: with the loopback stub, only queries to resolv.conf's servers are captured and outside names resolve", async (t) => {
  const w = world!;
  await startVm(w, { version: "1.30.0", stub: true });
  const outside = await dig(w.vm, "azure.archive.ubuntu.com");
  t.is(outside.status, "NOERROR");
  t.deepEqual(outside.answers.map((a) => a.data), ["198.18.128.1"], "the lab's cloud DNS answers outside names with the gateway");
  const tcp = await dig(w.vm, "example.org", { tcp: true });
  t.is(tcp.status, "NOERROR", "DNS over TCP too");
  t.deepEqual(tcp.answers.map((a) => a.data), ["198.18.200.7"]);
  t.false(w.stub!.lines.some((l) => l.includes("joins")), "no query came back to the stub");
});

test.serial("1.30.0: the first search domain expansion is answered with a CNAME; a known name without AAAA is NODATA", async (t) => {
  const w = world!;
  await startVm(w, { version: "1.30.0", stub: true });
  const r = await dig(w.vm, "payment.default.svc.cluster.local.ilab.internal");
  t.is(r.status, "NOERROR");
  t.deepEqual(r.answers, [
    { name: "payment.default.svc.cluster.local.ilab.internal.", type: "CNAME", data: "payment.default.svc.cluster.local." },
    { name: "payment.default.svc.cluster.local.", type: "A", data: w.lan.vip(40) },
  ]);
  const aaaa = await dig(w.vm, "payment.default.svc.cluster.local", { type: "AAAA" });
  t.is(aaaa.status, "NOERROR");
  t.deepEqual(aaaa.answers, []);
});
