import test from "ava";
import { clustersJson, clustersText } from "../../../../lab/istio/proxy/clusters-admin.js";
import { ClusterStore, ENVOY_DEFAULT_THRESHOLDS, ISTIO_DEFAULT_THRESHOLDS } from "../../../../lab/istio/proxy/stats.js";
import { dataPlaneProfile } from "../../../../lab/istio/proxy/release.js";

const NAME = "outbound|8000||payment.default.svc.cluster.local";

const store = () => {
  const s = new ClusterStore();
  s.sync([
    { name: NAME, addedViaApi: true, edsServiceName: NAME, defaultThresholds: ISTIO_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [{ address: "10.233.90.143:8000" }] },
  ]);
  const h = s.get(NAME)!.host("10.233.90.143:8000");
  h.stats.cx_total = 2;
  h.stats.rq_total = 5;
  h.stats.rq_success = 4;
  h.stats.rq_error = 1;
  return s;
};

test("1.8 (Envoy 1.16) text format, line for line", (t) => {
  t.is(
    clustersText(store().list(), dataPlaneProfile("1.8.1")),
    [
      `${NAME}::default_priority::max_connections::4294967295`,
      `${NAME}::default_priority::max_pending_requests::4294967295`,
      `${NAME}::default_priority::max_requests::4294967295`,
      `${NAME}::default_priority::max_retries::4294967295`,
      `${NAME}::high_priority::max_connections::1024`,
      `${NAME}::high_priority::max_pending_requests::1024`,
      `${NAME}::high_priority::max_requests::1024`,
      `${NAME}::high_priority::max_retries::3`,
      `${NAME}::added_via_api::true`,
      `${NAME}::10.233.90.143:8000::cx_active::0`,
      `${NAME}::10.233.90.143:8000::cx_connect_fail::0`,
      `${NAME}::10.233.90.143:8000::cx_total::2`,
      `${NAME}::10.233.90.143:8000::rq_active::0`,
      `${NAME}::10.233.90.143:8000::rq_error::1`,
      `${NAME}::10.233.90.143:8000::rq_success::4`,
      `${NAME}::10.233.90.143:8000::rq_timeout::0`,
      `${NAME}::10.233.90.143:8000::rq_total::5`,
      `${NAME}::10.233.90.143:8000::hostname::`,
      `${NAME}::10.233.90.143:8000::health_flags::healthy`,
      `${NAME}::10.233.90.143:8000::weight::1`,
      `${NAME}::10.233.90.143:8000::region::`,
      `${NAME}::10.233.90.143:8000::zone::`,
      `${NAME}::10.233.90.143:8000::sub_zone::`,
      `${NAME}::10.233.90.143:8000::canary::false`,
      `${NAME}::10.233.90.143:8000::priority::0`,
      `${NAME}::10.233.90.143:8000::success_rate::-1`,
      `${NAME}::10.233.90.143:8000::local_origin_success_rate::-1`,
      "",
    ].join("\n"),
  );
});

test("current releases add observability_name and eds_service_name", (t) => {
  const text = clustersText(store().list(), dataPlaneProfile("1.30.0"));
  t.true(text.startsWith(`${NAME}::observability_name::${NAME}\n${NAME}::default_priority::max_connections::4294967295\n`));
  t.true(text.includes(`${NAME}::added_via_api::true\n${NAME}::eds_service_name::${NAME}\n`));
});

test("the JSON format omits zero values like protobuf JSON", (t) => {
  const json = JSON.parse(clustersJson(store().list(), dataPlaneProfile("1.8.1"))) as {
    cluster_statuses: { name: string; added_via_api: boolean; host_statuses: { address: unknown; stats: Record<string, string>[] }[] }[];
  };
  const c = json.cluster_statuses[0]!;
  t.is(c.name, NAME);
  t.true(c.added_via_api);
  t.deepEqual(c.host_statuses[0]!.address, { socket_address: { address: "10.233.90.143", port_value: 8000 } });
  t.deepEqual(c.host_statuses[0]!.stats.find((s) => s["name"] === "rq_total"), { name: "rq_total", value: "5" });
  t.deepEqual(c.host_statuses[0]!.stats.find((s) => s["name"] === "cx_active"), { name: "cx_active", type: "GAUGE" });
});

test("a configuration update keeps the statistics of surviving hosts and drops removed ones", (t) => {
  const s = store();
  s.sync([
    { name: NAME, addedViaApi: true, defaultThresholds: ISTIO_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [{ address: "10.233.90.143:8000" }, { address: "10.233.90.144:8000" }] },
  ]);
  t.is(s.get(NAME)!.host("10.233.90.143:8000").stats.rq_total, 5);
  const r = s.sync([{ name: NAME, addedViaApi: true, defaultThresholds: ISTIO_DEFAULT_THRESHOLDS, highThresholds: ENVOY_DEFAULT_THRESHOLDS, hosts: [{ address: "10.233.90.144:8000" }] }]);
  t.deepEqual(r, { added: 0, removed: 0 });
  t.deepEqual([...s.get(NAME)!.hosts.keys()], ["10.233.90.144:8000"]);
});
