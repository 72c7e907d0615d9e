import test from "ava";
import { parseIstioLog } from "../../../lib/parse/istio-log.js";
import { CURRENT_HEALTHY_LOG, CURRENT_UNREACHABLE_LOG, RECOVERED_LOG_SPACES, SEED_LOG } from "../fixtures/istio-log.js";

test("reads time, level, scope and message of the chapter's log excerpt", (t) => {
  const entries = parseIstioLog(SEED_LOG);
  t.is(entries.length, 10);
  t.like(entries[0], { line: 1, time: "2020-12-26T14:48:26.699574Z", level: "info", severity: "info", scope: "cache", message: "GenerateSecret from file ROOTCA", format: "istio" });
  t.like(entries[9], { scope: "xdsproxy", message: "connecting to upstream XDS server: istiod.istio-system.svc:15012" });
});

test("reads the current format: labels after a tab, default scope without a scope column, Envoy's scoped lines", (t) => {
  const healthy = parseIstioLog(CURRENT_HEALTHY_LOG);
  t.like(healthy[0], { scope: "cache", message: "generated new workload certificate" });
  t.deepEqual(healthy[0]!.fields, { resourceName: "default", latency: "71.64ms", ttl: "23h59m59.35s" });
  t.deepEqual(healthy[2]!.fields, { id: "1" });
  t.like(healthy[3], { scope: undefined, message: "Readiness succeeded in 1.2s" });
  const unreachable = parseIstioLog(CURRENT_UNREACHABLE_LOG);
  t.like(unreachable[1], { scope: "envoy config", level: "warning", severity: "warn" });
  t.regex(unreachable[1]!.message, /StreamAggregatedResources gRPC config stream to xds-grpc closed/);
  t.deepEqual(unreachable[1]!.fields, { thread: "20" });
  t.like(unreachable[2], { scope: undefined, severity: "warn" });
});

test("reads logs whose tabs became spaces and appends continuation lines to the entry above", (t) => {
  const entries = parseIstioLog(RECOVERED_LOG_SPACES);
  const config = entries.find((e) => e.message.startsWith("Effective config"))!;
  t.regex(config.message, /\nconcurrency: 2\ndiscoveryAddress: istiod.istio-system.svc:15012/);
  t.like(entries.find((e) => e.message.startsWith("failed to create")), { severity: "error", scope: "xdsproxy" });
  t.like(entries.find((e) => e.message.startsWith("Unable to use runtime")), { scope: "envoy runtime", severity: "warn" });
  t.like(entries.find((e) => e.message.startsWith("Version")), { scope: undefined });
  t.like(entries.find((e) => e.message === "resource:default pushed key/cert pair to proxy"), { scope: "sds" });
});

test("reads Envoy's bracketed format and keeps lines before the first entry as 'other'", (t) => {
  const text = [
    "-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
    "[2020-12-26 14:48:26.123][12][warning][config] [bazel-out/k8-opt/bin/source/common/config/_virtual_includes/grpc_stream_lib/common/config/grpc_stream.h:92] StreamAggregatedResources gRPC config stream closed: 14, no healthy upstream",
  ].join("\n");
  const entries = parseIstioLog(text);
  t.like(entries[0], { format: "other", message: "-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN" });
  t.like(entries[1], { format: "envoy", scope: "envoy config", severity: "warn", message: "StreamAggregatedResources gRPC config stream closed: 14, no healthy upstream" });
});
