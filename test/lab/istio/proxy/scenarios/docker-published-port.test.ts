// The course's "Cluster -> VM" mTLS failure: the VM runs its app in Docker with `-p 8000:8000`; Docker's nat
// PREROUTING DNAT comes before the ISTIO_INBOUND jump istio-iptables appends, so the pod's mTLS bytes reach the
// plaintext app instead of the VM's sidecar and the pod's sidecar answers Envoy's 503.
import test from "ava";
import path from "node:path";
import { host } from "../../../../../lab/net/ip.js";
import { applyCapture, captureState, netnsRunner } from "../../../../../lab/istio/proxy/capture/apply.js";
import { podCaptureOptions, vmCaptureOptions } from "../../../../../lab/istio/proxy/capture/options.js";
import { dataPlaneProfile } from "../../../../../lab/istio/proxy/release.js";
import type { PeerAuthenticationPolicy } from "../../../../../lab/istio/proxy/config.js";
import { TestLan, type TestNode } from "../../helpers/testnet.js";
import { TestCa } from "../../helpers/ca.js";
import { distRoot, NsProcess, ProxyProcess, startInNetns } from "../../helpers/processes.js";
import { snapshotFor, type TestService, type TestWorkload } from "../../helpers/mesh-config.js";
import { curl } from "../../helpers/http-client.js";

const VM_PROXY_UID = 2337; // the istio-proxy system user on the VM (a uid nobody else uses here)
const ECHO = path.join(distRoot, "test", "lab", "istio", "fixtures", "echo-app.js");

interface World {
  lan: TestLan;
  pod: TestNode;
  vm: TestNode;
  ctrNetns: string;
  ca: TestCa;
  wPayment: TestWorkload;
  wVm: TestWorkload;
  services: TestService[];
  processes: NsProcess[];
  proxies: ProxyProcess[];
}

let world: World | undefined;

const setup = async (): Promise<World> => {
  const lan = await TestLan.create(3);
  const pod = await lan.addNode("payment", 11);
  const vm = await lan.addNode("vm", 10);
  // docker0 in the VM and one container namespace (172.17.0.2) behind it, like `docker run -p 8000:8000`.
  const ctrNetns = `${lan.prefix}ctr`;
  await host(["ip", "netns", "add", ctrNetns]);
  await vm.exec(["ip", "link", "add", "docker0", "type", "bridge"]);
  await vm.exec(["ip", "addr", "add", "172.17.0.1/16", "dev", "docker0"]);
  await vm.exec(["ip", "link", "set", "docker0", "up"]);
  await host(["ip", "link", "add", "ilab8t3c0", "type", "veth", "peer", "name", "ilab8t3c0p"]);
  await host(["ip", "link", "set", "ilab8t3c0", "netns", vm.netns]);
  await host(["ip", "link", "set", "ilab8t3c0p", "netns", ctrNetns]);
  await vm.exec(["ip", "link", "set", "ilab8t3c0", "master", "docker0"]);
  await vm.exec(["ip", "link", "set", "ilab8t3c0", "up"]);
  const ctr = (argv: string[]) => host(["ip", "netns", "exec", ctrNetns, ...argv]);
  await ctr(["ip", "link", "set", "lo", "up"]);
  await ctr(["ip", "link", "set", "ilab8t3c0p", "name", "eth0"]);
  await ctr(["ip", "addr", "add", "172.17.0.2/16", "dev", "eth0"]);
  await ctr(["ip", "link", "set", "eth0", "up"]);
  await ctr(["ip", "route", "add", "default", "via", "172.17.0.1"]);
  await vm.exec(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
  const ca = await TestCa.create();
  const wPayment: TestWorkload = { name: "payment", namespace: "default", serviceAccount: "default", labels: { app: "payment", version: "v1" }, ip: pod.ip, kind: "pod", identity: await ca.issue("default", "default"), sidecar: true };
  const wVm: TestWorkload = { name: "pegasus-pay", namespace: "legacy", serviceAccount: "legacy-pegasus", labels: { app: "pegasus-pay" }, ip: vm.ip, kind: "vm", identity: await ca.issue("legacy", "legacy-pegasus"), sidecar: true };
  const services: TestService[] = [
    { name: "pegasus-pay", namespace: "legacy", vip: lan.vip(30), ports: [{ name: "http-vm", port: 8000 }], backends: [{ workload: wVm, kind: "workloadentry" }] },
    { name: "payment", namespace: "default", vip: lan.vip(31), ports: [{ name: "http", port: 8000 }], backends: [{ workload: wPayment }] },
  ];
  return { lan, pod, vm, ctrNetns, ca, wPayment, wVm, services, processes: [], proxies: [] };
};

/** Docker's nat rules for one published port (installed when dockerd starts, before istio-start.sh). */
const dockerPublish = async (vm: TestNode): Promise<void> => {
  for (const rule of [
    ["-t", "nat", "-N", "DOCKER"],
    ["-t", "nat", "-A", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"],
    ["-t", "nat", "-A", "OUTPUT", "!", "-d", "127.0.0.0/8", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"],
    ["-t", "nat", "-A", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "docker0", "-j", "MASQUERADE"],
    ["-t", "nat", "-A", "DOCKER", "-i", "docker0", "-j", "RETURN"],
    ["-t", "nat", "-A", "DOCKER", "!", "-i", "docker0", "-p", "tcp", "-m", "tcp", "--dport", "8000", "-j", "DNAT", "--to-destination", "172.17.0.2:8000"],
  ]) {
    await vm.exec(["iptables", ...rule]);
  }
};

/** Brings the mesh up for `version`: fresh iptables, Docker rules (optional), the sidecars and the app. */
const start = async (
  w: World,
  { version, appIn, onInvalid = "400", policies = [] }: { version: string; appIn: "container" | "host"; onInvalid?: "400" | "close"; policies?: PeerAuthenticationPolicy[] },
): Promise<void> => {
  await stopAll(w);
  const profile = dataPlaneProfile(version);
  for (const n of [w.pod, w.vm]) {
    for (const table of ["nat", "raw"]) {
      await n.exec(["iptables", "-t", table, "-F"]);
      await n.exec(["iptables", "-t", table, "-X"]);
    }
  }
  if (appIn === "container") await dockerPublish(w.vm);
  await applyCapture({ profile, options: podCaptureOptions(), run: netnsRunner(w.pod.netns) });
  const env = {
    ISTIO_INBOUND_PORTS: "*",
    ISTIO_SERVICE_CIDR: "*",
    ...(profile.minor >= 13 ? { ISTIO_LOCAL_EXCLUDE_PORTS: "22,15090,15021,15020" } : {}),
  };
  await applyCapture({ profile, options: vmCaptureOptions({ env, proxyUid: String(VM_PROXY_UID) }), run: netnsRunner(w.vm.netns) });
  const app =
    appIn === "container"
      ? startInNetns("container app", w.ctrNetns, ["node", ECHO, "--name", "pegasus-pay", "--port", "8000", "--on-invalid", onInvalid])
      : startInNetns("host app", w.vm.netns, ["node", ECHO, "--name", "pegasus-pay", "--port", "8000", "--on-invalid", onInvalid]);
  w.processes.push(app);
  await app.waitForLine(/^listening/);
  w.proxies.push(
    await ProxyProcess.start({ netns: w.pod.netns, istioVersion: version, config: snapshotFor({ self: w.wPayment, services: w.services, peerAuthentications: policies }) }),
    await ProxyProcess.start({ netns: w.vm.netns, istioVersion: version, uid: VM_PROXY_UID, config: snapshotFor({ self: w.wVm, services: w.services, peerAuthentications: policies }) }),
  );
};

const stopAll = async (w: World): Promise<void> => {
  for (const p of w.proxies.splice(0)) await p.stop();
  for (const p of w.processes.splice(0)) await p.stop();
};

const legacyPolicy = (mode: "STRICT" | "DISABLE"): PeerAuthenticationPolicy => ({
  name: mode === "DISABLE" ? "disable-mtls-legacy" : "strict-legacy",
  namespace: "legacy",
  creationTimestamp: "2020-12-26T15:00:00Z",
  mtls: { mode },
});

test.before(async () => {
  world = await setup();
});

test.after.always(async () => {
  if (!world) return;
  await stopAll(world);
  await world.lan.cleanup();
});

test.serial("1.8: ISTIO_INBOUND is appended after Docker's DNAT in nat PREROUTING", async (t) => {
  const w = world!;
  await start(w, { version: "1.8.1", appIn: "container" });
  const save = await captureState(netnsRunner(w.vm.netns));
  const prerouting = save.split("\n").filter((l) => l.startsWith("-A PREROUTING"));
  t.deepEqual(prerouting, ["-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-A PREROUTING -p tcp -j ISTIO_INBOUND"]);
});

test.serial("1.8: pod → VM app published by Docker, app hangs up on TLS: the course's 503 'reset reason: connection failure'", async (t) => {
  const w = world!;
  await start(w, { version: "1.8.1", appIn: "container", onInvalid: "close" });
  const r = await curl(w.pod, `http://${w.lan.vip(30)}:8000/`, { headers: { host: "pegasus-pay.legacy.svc.cluster.local:8000" } });
  t.is(r.status, 503);
  t.is(r.body, "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
  t.is(r.headers["server"], "envoy");
  t.is(r.headers["content-type"], "text/plain");
  t.is(r.headers["content-length"], String(r.body.length));
  const log = await w.proxies[0]!.proc.waitForLine(/"GET \/ HTTP\/1\.1" 503/);
  t.regex(log, /503 UF,URX upstream_reset_before_response_started\{connection_failure\}/, "the client sidecar's access log");
});

test.serial("1.8: when the app answers TLS with an HTTP 400, the 503 carries WRONG_VERSION_NUMBER", async (t) => {
  const w = world!;
  await start(w, { version: "1.8.1", appIn: "container", onInvalid: "400" });
  const r = await curl(w.pod, `http://${w.lan.vip(30)}:8000/`, { headers: { host: "pegasus-pay.legacy.svc.cluster.local:8000" } });
  t.is(r.status, 503);
  t.is(r.body, "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER");
});

test.serial("1.8: the course's workaround (namespace DISABLE) sends plaintext through Docker's DNAT and works", async (t) => {
  const w = world!;
  await start(w, { version: "1.8.1", appIn: "container", onInvalid: "close", policies: [legacyPolicy("DISABLE")] });
  const r = await curl(w.pod, `http://${w.lan.vip(30)}:8000/`, { headers: { host: "pegasus-pay.legacy.svc.cluster.local:8000" } });
  t.is(r.status, 200);
  const body = JSON.parse(r.body) as { app: string; headers: Record<string, string>; peer: string };
  t.is(body.app, "pegasus-pay");
  t.is(body.headers["x-forwarded-client-cert"], undefined, "no mTLS, no client certificate");
  t.true(body.peer.startsWith("198.18.139.11:") || body.peer.startsWith("172.17.0.1:"), `the container sees the pod through Docker's NAT (${body.peer})`);
});

test.serial("1.8: with the app on the VM's host network, STRICT mTLS works and the app sees the pod's identity", async (t) => {
  const w = world!;
  await start(w, { version: "1.8.1", appIn: "host", policies: [legacyPolicy("STRICT")] });
  const r = await curl(w.pod, `http://${w.lan.vip(30)}:8000/healthz`, { headers: { host: "pegasus-pay.legacy.svc.cluster.local:8000" } });
  t.is(r.status, 200);
  const body = JSON.parse(r.body) as { headers: Record<string, string>; peer: string };
  t.regex(body.headers["x-forwarded-client-cert"] ?? "", /^By=spiffe:\/\/cluster\.local\/ns\/legacy\/sa\/legacy-pegasus;Hash=[0-9a-f]{64};Subject="";URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/default$/);
  t.regex(body.peer, /^127\.0\.0\.1:/, "1.8's inbound cluster sends to 127.0.0.1:PORT");
  t.is(r.headers["server"], "envoy");
  t.regex(r.headers["x-envoy-upstream-service-time"] ?? "", /^\d+$/);
});

test.serial("1.30.0: the same Docker setup fails with the retried, pipe-delimited WRONG_VERSION_NUMBER body", async (t) => {
  const w = world!;
  await start(w, { version: "1.30.0", appIn: "container", onInvalid: "400" });
  const save = await captureState(netnsRunner(w.vm.netns));
  t.regex(save, /-A ISTIO_INBOUND -p tcp -m tcp --dport 22 -j RETURN/, "current cluster.env excludes ssh");
  const r = await curl(w.pod, `http://${w.lan.vip(30)}:8000/`, { headers: { host: "pegasus-pay.legacy.svc.cluster.local:8000" } });
  t.is(r.status, 503);
  t.is(
    r.body,
    "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end",
  );
});

test.serial("1.30.0: an app that hangs up gives the body without a transport failure reason", async (t) => {
  const w = world!;
  await start(w, { version: "1.30.0", appIn: "container", onInvalid: "close" });
  const r = await curl(w.pod, `http://${w.lan.vip(30)}:8000/`, { headers: { host: "pegasus-pay.legacy.svc.cluster.local:8000" } });
  t.is(r.status, 503);
  t.is(r.body, "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure");
});

test.serial("1.30.0: host network + STRICT works; the inbound side connects from 127.0.0.6 to the VM's address", async (t) => {
  const w = world!;
  await start(w, { version: "1.30.0", appIn: "host", policies: [legacyPolicy("STRICT")] });
  const r = await curl(w.pod, `http://${w.lan.vip(30)}:8000/`, { headers: { host: "pegasus-pay.legacy.svc.cluster.local:8000" } });
  t.is(r.status, 200);
  const body = JSON.parse(r.body) as { headers: Record<string, string>; peer: string; local: string };
  t.regex(body.peer, /^127\.0\.0\.6:/);
  t.is(body.local, `${w.vm.ip}:8000`);
  t.regex(body.headers["x-forwarded-client-cert"] ?? "", /URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/default$/);
});
