import test from "ava";
import { ParseError } from "../../../lib/parse/errors.js";
import { clustersForHost, parseEnvoyClusters, parseIstioClusterName } from "../../../lib/parse/envoy-clusters.js";
import { CLUSTERS_TEXT, PAYMENT_LINE } from "../fixtures/envoy.js";

test("splits Istio cluster names into direction, port, subset and host", (t) => {
  t.deepEqual(parseIstioClusterName("outbound|8000||payment.default.svc.cluster.local"), { direction: "outbound", port: 8000, subset: "", host: "payment.default.svc.cluster.local" });
  t.deepEqual(parseIstioClusterName("outbound|9080|v2|reviews.default.svc.cluster.local")?.subset, "v2");
  t.deepEqual(parseIstioClusterName("inbound|8000||"), { direction: "inbound", port: 8000, subset: "", host: "" });
  t.is(parseIstioClusterName("xds-grpc"), undefined);
});

test("reads clusters, circuit breakers and per-host statistics", (t) => {
  const clusters = parseEnvoyClusters(CLUSTERS_TEXT);
  t.deepEqual(clusters.map((c) => c.name), ["outbound|8000||payment.default.svc.cluster.local", "xds-grpc", "inbound|8000||"]);
  const payment = clusters[0]!;
  t.true(payment.addedViaApi);
  t.is(payment.circuitBreakers.default.max_connections, 4294967295);
  t.is(payment.circuitBreakers.high.max_retries, 3);
  t.is(payment.other["observability_name"], payment.name);
  t.is(payment.hosts.length, 2);
  const [a, b] = payment.hosts;
  t.like(a, { address: "10.233.90.143:8000", ip: "10.233.90.143", port: 8000, healthFlags: ["healthy"], weight: 1, canary: false, priority: 0, successRate: -1 });
  t.is(a!.stats["rq_success"], 3);
  t.deepEqual(b!.healthFlags, ["failed_outlier_check"]);
  t.is(b!.stats["cx_connect_fail"], 2);
});

test("keeps IPv6 host addresses whole and reads the hostname", (t) => {
  const xds = parseEnvoyClusters(CLUSTERS_TEXT).find((c) => c.name === "xds-grpc")!;
  t.false(xds.addedViaApi);
  t.like(xds.hosts[0], { address: "[fd00::15]:15012", ip: "fd00::15", port: 15012, hostname: "istiod.istio-system.svc" });
  t.is(xds.hosts[0]!.stats["cx_active"], 1);
});

test("reads the single line the chapter greps for, and finds clusters by service name", (t) => {
  const clusters = parseEnvoyClusters(PAYMENT_LINE);
  t.is(clusters[0]!.hosts[0]!.stats["cx_active"], 0);
  t.is(clustersForHost(parseEnvoyClusters(CLUSTERS_TEXT), "payment.default.svc.cluster.local").length, 1);
  t.is(clustersForHost(parseEnvoyClusters(CLUSTERS_TEXT), "payment").length, 1);
  t.is(clustersForHost(parseEnvoyClusters(CLUSTERS_TEXT), "pay").length, 0);
});

test("returns nothing for empty output and throws on text that is not /clusters output", (t) => {
  t.deepEqual(parseEnvoyClusters(""), []);
  t.throws(() => parseEnvoyClusters("curl: (7) Failed to connect to localhost port 15000"), { instanceOf: ParseError });
});
