// Pod ⇄ pod through two sidecars with real mTLS, for the course's release and the current one: identity, headers,
// PeerAuthentication (STRICT, PERMISSIVE, DISABLE, workload and port level), auto mTLS, server identity checks,
// retries, outbound traffic policy, /clusters and Istio metrics.
import test from "ava";
import path from "node:path";
import { applyCapture, netnsRunner } from "../../../../../lab/istio/proxy/capture/apply.js";
import { podCaptureOptions } from "../../../../../lab/istio/proxy/capture/options.js";
import { dataPlaneProfile } from "../../../../../lab/istio/proxy/release.js";
import type { PeerAuthenticationPolicy } from "../../../../../lab/istio/proxy/config.js";
import { TestLan, type TestNode } from "../../helpers/testnet.js";
import { TestCa } from "../../helpers/ca.js";
import { distRoot, NsProcess, ProxyProcess, startInNetns } from "../../helpers/processes.js";
import { snapshotFor, type TestService, type TestWorkload } from "../../helpers/mesh-config.js";
import { admin, curl } from "../../helpers/http-client.js";
import { tcpExchange } from "../../helpers/tcp-client.js";

const ECHO = path.join(distRoot, "test", "lab", "istio", "fixtures", "echo-app.js");

interface World {
  lan: TestLan;
  sleep: TestNode;
  payment: TestNode;
  outsider: TestNode;
  wSleep: TestWorkload;
  wPayment: TestWorkload;
  services: TestService[];
  apps: NsProcess[];
  proxies: { sleep?: ProxyProcess; payment?: ProxyProcess };
  version?: string;
}

let world: World | undefined;

const setup = async (): Promise<World> => {
  const lan = await TestLan.create(2);
  const sleep = await lan.addNode("sleep", 11);
  const payment = await lan.addNode("payment", 12);
  const outsider = await lan.addNode("outsider", 14);
  const ca = await TestCa.create();
  const wSleep: TestWorkload = { name: "sleep", namespace: "default", serviceAccount: "sleep", labels: { app: "sleep", version: "v1" }, ip: sleep.ip, kind: "pod", identity: await ca.issue("default", "sleep"), sidecar: true };
  const wPayment: TestWorkload = { name: "payment", namespace: "default", serviceAccount: "payment", labels: { app: "payment", version: "v1" }, ip: payment.ip, kind: "pod", identity: await ca.issue("default", "payment"), sidecar: true };
  const services: TestService[] = [
    { name: "payment", namespace: "default", vip: lan.vip(20), ports: [{ name: "http", port: 8000 }, { name: "tcp-echo", port: 9000 }], backends: [{ workload: wPayment }] },
    { name: "sleep", namespace: "default", vip: lan.vip(21), ports: [{ name: "http", port: 80 }], backends: [{ workload: wSleep }] },
    { name: "empty", namespace: "default", vip: lan.vip(22), ports: [{ name: "http", port: 8000 }], backends: [] },
  ];
  const apps = [
    startInNetns("payment http", payment.netns, ["node", ECHO, "--name", "payment", "--port", "8000"]),
    startInNetns("payment tcp", payment.netns, ["node", ECHO, "--name", "payment", "--port", "9000", "--tcp"]),
    startInNetns("outsider http", outsider.netns, ["node", ECHO, "--name", "outsider", "--port", "8000"]),
    startInNetns("outsider tcp", outsider.netns, ["node", ECHO, "--name", "outsider", "--port", "7000", "--tcp"]),
  ];
  for (const a of apps) await a.waitForLine(/^listening/);
  return { lan, sleep, payment, outsider, wSleep, wPayment, services, apps, proxies: {} };
};

/** Makes sure both sidecars run `version` with fresh capture rules (restarting them when the version changes). */
const useVersion = async (version: string): Promise<World> => {
  const w = world!;
  if (w.version === version) return w;
  await w.proxies.sleep?.stop();
  await w.proxies.payment?.stop();
  const profile = dataPlaneProfile(version);
  for (const n of [w.sleep, w.payment]) {
    await n.exec(["iptables", "-t", "nat", "-F"]);
    await n.exec(["iptables", "-t", "nat", "-X"]);
    await applyCapture({ profile, options: podCaptureOptions(), run: netnsRunner(n.netns) });
  }
  w.proxies.sleep = await ProxyProcess.start({ netns: w.sleep.netns, istioVersion: version, config: snapshotFor({ self: w.wSleep, services: w.services }) });
  w.proxies.payment = await ProxyProcess.start({ netns: w.payment.netns, istioVersion: version, config: snapshotFor({ self: w.wPayment, services: w.services }) });
  w.version = version;
  return w;
};

/** Pushes a new snapshot to both sidecars (the client's registry can be altered to model istiod's view). */
const configure = async (
  w: World,
  {
    policies = [],
    outboundTrafficPolicy = "ALLOW_ANY",
    clientServices = w.services,
  }: { policies?: PeerAuthenticationPolicy[]; outboundTrafficPolicy?: "ALLOW_ANY" | "REGISTRY_ONLY"; clientServices?: TestService[] } = {},
): Promise<void> => {
  await w.proxies.sleep!.update(snapshotFor({ self: w.wSleep, services: clientServices, peerAuthentications: policies, outboundTrafficPolicy, version: String(Date.now()) }));
  await w.proxies.payment!.update(snapshotFor({ self: w.wPayment, services: w.services, peerAuthentications: policies, version: String(Date.now()) }));
};

const nsPolicy = (mode: "STRICT" | "PERMISSIVE" | "DISABLE"): PeerAuthenticationPolicy => ({ name: "default", namespace: "default", creationTimestamp: "2021-01-01T00:00:00Z", mtls: { mode } });

/** host → stat → value of one cluster in /clusters text. */
const clusterHosts = (text: string, cluster: string): Map<string, Record<string, string>> => {
  const out = new Map<string, Record<string, string>>();
  for (const line of text.split("\n")) {
    const parts = line.split("::");
    if (parts[0] !== cluster || parts.length !== 4 || !/^\d+\.\d+\.\d+\.\d+:\d+$/.test(parts[1]!)) continue;
    const host = out.get(parts[1]!) ?? {};
    host[parts[2]!] = parts[3]!;
    out.set(parts[1]!, host);
  }
  return out;
};

const PAYMENT_HOST = "payment.default.svc.cluster.local:8000";

test.before(async () => {
  world = await setup();
});

test.after.always(async () => {
  if (!world) return;
  await world.proxies.sleep?.stop();
  await world.proxies.payment?.stop();
  for (const a of world.apps) await a.stop();
  await world.lan.cleanup();
});

const wrongVersionBody = (version: string): string =>
  version === "1.8.1"
    ? "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER"
    : "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end";

const verifyFailedBody = (version: string): string =>
  version === "1.8.1"
    ? "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED"
    : "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: SAN matcher:TLS_error_end";

for (const version of ["1.8.1", "1.30.0"]) {
  test.serial(`${version}: pod → pod over mTLS; the server sees the client's SPIFFE identity and Envoy's headers`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    const r = await curl(w.sleep, `http://${w.lan.vip(20)}:8000/pay`, { headers: { host: PAYMENT_HOST } });
    t.is(r.status, 200);
    t.is(r.headers["server"], "envoy");
    t.regex(r.headers["x-envoy-upstream-service-time"] ?? "", /^\d+$/);
    t.is(r.headers["x-envoy-peer-metadata"], undefined, "metadata exchange headers never reach the app");
    const body = JSON.parse(r.body) as { headers: Record<string, string>; peer: string };
    t.regex(body.headers["x-forwarded-client-cert"] ?? "", /^By=spiffe:\/\/cluster\.local\/ns\/default\/sa\/payment;Hash=[0-9a-f]{64};Subject="";URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/sleep$/);
    t.regex(body.headers["x-request-id"] ?? "", /^[0-9a-f-]{36}$/);
    t.is(body.headers["x-envoy-attempt-count"], "1");
    t.is(body.headers["x-forwarded-proto"], "http");
    t.is(body.headers["x-envoy-peer-metadata"], undefined);
    t.regex(body.headers["x-b3-traceid"] ?? "", /^[0-9a-f]{32}$/);
    t.regex(body.peer, version === "1.8.1" ? /^127\.0\.0\.1:/ : /^127\.0\.0\.6:/);
  });

  test.serial(`${version}: /clusters lists the service's endpoint and counts every request`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    const cluster = `outbound|8000||payment.default.svc.cluster.local`;
    const before = clusterHosts(await admin(w.sleep, "/clusters"), cluster).get(`${w.payment.ip}:8000`);
    t.truthy(before, "the endpoint is listed");
    for (let i = 0; i < 3; i++) t.is((await curl(w.sleep, `http://${w.lan.vip(20)}:8000/`, { headers: { host: PAYMENT_HOST } })).status, 200);
    const text = await admin(w.sleep, "/clusters");
    const after = clusterHosts(text, cluster).get(`${w.payment.ip}:8000`)!;
    t.is(Number(after["rq_total"]) - Number(before!["rq_total"]), 3);
    t.is(Number(after["rq_success"]) - Number(before!["rq_success"]), 3);
    t.is(after["rq_error"], before!["rq_error"]);
    t.is(after["health_flags"], "healthy");
    t.true(text.includes(`${cluster}::default_priority::max_connections::4294967295\n`));
    for (const builtin of ["BlackHoleCluster", "PassthroughCluster", "InboundPassthroughClusterIpv4", "prometheus_stats", "agent", "sds-grpc", "xds-grpc"]) {
      t.true(text.includes(`${builtin}::added_via_api::`), builtin);
    }
    t.is(text.includes(`${cluster}::observability_name::`), version !== "1.8.1");
    const json = JSON.parse(await admin(w.sleep, "/clusters?format=json")) as { cluster_statuses: { name: string; host_statuses?: unknown[] }[] };
    t.truthy(json.cluster_statuses.find((c) => c.name === cluster)?.host_statuses?.length);
    const inbound = clusterHosts(await admin(w.payment, "/clusters"), "inbound|8000||");
    t.truthy(inbound.get(version === "1.8.1" ? "127.0.0.1:8000" : `${w.payment.ip}:8000`), "the server's inbound cluster host");
  });

  test.serial(`${version}: a TCP service port carries raw bytes over mTLS`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    t.is(await tcpExchange(w.sleep, w.lan.vip(20), 9000, "ping"), "OK payment:ping");
    const prom = await admin(w.payment, "/stats/prometheus");
    t.regex(prom, /istio_tcp_connections_opened_total\{reporter="destination",[^}]*source_principal="spiffe:\/\/cluster\.local\/ns\/default\/sa\/sleep"[^}]*connection_security_policy="mutual_tls"[^}]*\} [1-9]/);
  });

  test.serial(`${version}: PERMISSIVE (no policy) accepts plaintext from a workload without sidecar`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    const r = await curl(w.outsider, `http://${w.payment.ip}:8000/`);
    t.is(r.status, 200);
    t.is((JSON.parse(r.body) as { headers: Record<string, string> }).headers["x-forwarded-client-cert"], undefined);
    t.is(r.headers["server"], "envoy", "still through the server's sidecar");
  });

  test.serial(`${version}: STRICT resets plaintext connections and keeps mTLS working`, async (t) => {
    const w = await useVersion(version);
    await configure(w, { policies: [nsPolicy("STRICT")] });
    const plain = await curl(w.outsider, `http://${w.payment.ip}:8000/`);
    t.not(plain.exitCode, 0, "curl gets no response");
    t.regex(plain.stderr, /reset by peer|Empty reply/);
    t.is((await curl(w.sleep, `http://${w.lan.vip(20)}:8000/`, { headers: { host: PAYMENT_HOST } })).status, 200);
  });

  test.serial(`${version}: a port-level PERMISSIVE opens one port of a STRICT workload`, async (t) => {
    const w = await useVersion(version);
    await configure(w, {
      policies: [{ name: "payment", namespace: "default", selector: { app: "payment" }, mtls: { mode: "STRICT" }, portLevelMtls: { "8000": { mode: "PERMISSIVE" } } }],
    });
    t.is((await curl(w.outsider, `http://${w.payment.ip}:8000/`)).status, 200);
    t.regex(await tcpExchange(w.outsider, w.payment.ip, 9000, "ping"), /^ERROR|^OK $/, "port 9000 stays STRICT");
  });

  test.serial(`${version}: a namespace DISABLE makes clients send plaintext`, async (t) => {
    const w = await useVersion(version);
    await configure(w, { policies: [nsPolicy("DISABLE")] });
    const r = await curl(w.sleep, `http://${w.lan.vip(20)}:8000/`, { headers: { host: PAYMENT_HOST } });
    t.is(r.status, 200);
    t.is((JSON.parse(r.body) as { headers: Record<string, string> }).headers["x-forwarded-client-cert"], undefined);
    t.regex(await admin(w.payment, "/stats/prometheus"), /istio_requests_total\{reporter="destination",[^}]*connection_security_policy="none"/);
  });

  test.serial(`${version}: a workload-level DISABLE does not change what clients send: mTLS meets a plaintext chain`, async (t) => {
    const w = await useVersion(version);
    await configure(w, { policies: [{ name: "payment-off", namespace: "default", selector: { app: "payment" }, mtls: { mode: "DISABLE" } }] });
    const r = await curl(w.sleep, `http://${w.lan.vip(20)}:8000/`, { headers: { host: PAYMENT_HOST } });
    t.is(r.status, 503);
    t.is(r.body, wrongVersionBody(version));
  });

  test.serial(`${version}: a wrong service account on the endpoint fails the server identity check`, async (t) => {
    const w = await useVersion(version);
    const clientServices = w.services.map((s) => (s.name === "payment" ? { ...s, backends: s.backends.map((b) => ({ ...b, serviceAccount: "payment-wrong" })) } : s));
    await configure(w, { clientServices });
    const r = await curl(w.sleep, `http://${w.lan.vip(20)}:8000/`, { headers: { host: PAYMENT_HOST } });
    t.is(r.status, 503);
    t.is(r.body, verifyFailedBody(version));
    const host = clusterHosts(await admin(w.sleep, "/clusters"), "outbound|8000||payment.default.svc.cluster.local").get(`${w.payment.ip}:8000`)!;
    t.true(Number(host["cx_connect_fail"]) >= 3, "one failed handshake per attempt (1 + 2 retries)");
  });

  test.serial(`${version}: the app's 503 is retried twice by the client sidecar, then returned`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    const before = clusterHosts(await admin(w.payment, "/clusters"), "inbound|8000||");
    const r = await curl(w.sleep, `http://${w.lan.vip(20)}:8000/?code=503`, { headers: { host: PAYMENT_HOST } });
    t.is(r.status, 503);
    t.is((JSON.parse(r.body) as { app: string }).app, "payment", "the app's own 503 body");
    const after = clusterHosts(await admin(w.payment, "/clusters"), "inbound|8000||");
    const key = [...after.keys()][0]!;
    t.is(Number(after.get(key)!["rq_total"]) - Number(before.get(key)?.["rq_total"] ?? 0), 3);
  });

  test.serial(`${version}: a service without endpoints answers 'no healthy upstream'`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    const r = await curl(w.sleep, `http://${w.lan.vip(22)}:8000/`, { headers: { host: "empty.default.svc.cluster.local:8000" } });
    t.is(r.status, 503);
    t.is(r.body, "no healthy upstream");
  });

  test.serial(`${version}: ALLOW_ANY passes unknown destinations through, REGISTRY_ONLY blocks them`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    const through = await curl(w.sleep, `http://${w.outsider.ip}:8000/`);
    t.is(through.status, 200);
    t.is((JSON.parse(through.body) as { peer: string }).peer.split(":")[0], w.sleep.ip, "PassthroughCluster keeps the pod's address");
    t.is(await tcpExchange(w.sleep, w.outsider.ip, 7000, "hi"), "OK outsider:hi");
    t.truthy(clusterHosts(await admin(w.sleep, "/clusters"), "PassthroughCluster").get(`${w.outsider.ip}:7000`));
    await configure(w, { outboundTrafficPolicy: "REGISTRY_ONLY" });
    const blocked = await curl(w.sleep, `http://${w.outsider.ip}:8000/`);
    t.is(blocked.status, 502);
    t.is(blocked.body, "");
    t.regex(await tcpExchange(w.sleep, w.outsider.ip, 7000, "hi"), /^ERROR|^OK $/);
    t.is((await curl(w.sleep, `http://${w.lan.vip(20)}:8000/`, { headers: { host: PAYMENT_HOST } })).status, 200, "mesh services still work");
  });

  test.serial(`${version}: istio_requests_total is labelled by both workloads on both sides`, async (t) => {
    const w = await useVersion(version);
    await configure(w);
    t.is((await curl(w.sleep, `http://${w.lan.vip(20)}:8000/`, { headers: { host: PAYMENT_HOST } })).status, 200);
    const server = await admin(w.payment, "/stats/prometheus");
    t.regex(server, /istio_requests_total\{reporter="destination",source_workload="sleep",source_workload_namespace="default",source_principal="spiffe:\/\/cluster\.local\/ns\/default\/sa\/sleep",source_app="sleep",[^}]*destination_workload="payment",[^}]*destination_service="payment\.default\.svc\.cluster\.local",[^}]*response_code="200",[^}]*connection_security_policy="mutual_tls"[^}]*\} [1-9]/);
    const client = await admin(w.sleep, "/stats/prometheus");
    t.regex(client, /istio_requests_total\{reporter="source",source_workload="sleep",[^}]*destination_workload="payment",[^}]*destination_principal="spiffe:\/\/cluster\.local\/ns\/default\/sa\/payment",[^}]*response_code="200"/);
    t.regex(client, /envoy_cluster_upstream_rq\{response_code="200",cluster_name="outbound\|8000\|\|payment\.default\.svc\.cluster\.local"\} [1-9]/);
  });

  test.serial(`${version}: the admin and health endpoints`, async (t) => {
    const w = await useVersion(version);
    t.is(await admin(w.sleep, "/ready"), "LIVE\n");
    const info = JSON.parse(await admin(w.sleep, "/server_info")) as { state: string; version: string };
    t.is(info.state, "LIVE");
    t.regex(info.version, new RegExp(`^[0-9a-f]{40}/${dataPlaneProfile(version).envoyVersion.replace(".", "\\.")}\\.0-dev/Clean/RELEASE/BoringSSL$`));
    const health = await w.sleep.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${w.sleep.ip}:15021/healthz/ready`]);
    t.is(health.stdout, "200");
    t.regex(await admin(w.sleep, "/stats"), /^server\.live: 1$/m);
  });
}
