import test from "ava";
import { formatIstioLine, istioTimestamp, IstioLogger } from "../../../../lab/istio/proxy/log.js";

test("timestamps carry microseconds in UTC", (t) => {
  t.is(istioTimestamp(Date.UTC(2020, 11, 26, 14, 48, 26, 699) + 0.574), "2020-12-26T14:48:26.699574Z");
});

test("lines are tab separated; the default scope has no column", (t) => {
  t.is(formatIstioLine({ time: "T", level: "info", scope: "sds", message: "resource:ROOTCA pushed root cert to proxy" }), "T\tinfo\tsds\tresource:ROOTCA pushed root cert to proxy");
  t.is(formatIstioLine({ time: "T", level: "info", scope: "", message: "Envoy proxy is ready" }), "T\tinfo\tEnvoy proxy is ready");
});

test("debug lines are dropped unless enabled", (t) => {
  const lines: string[] = [];
  const log = new IstioLogger((l) => lines.push(l));
  log.debug("dns", "x");
  log.info("dns", "y");
  t.is(lines.length, 1);
  t.regex(lines[0]!, /\tinfo\tdns\ty$/);
});
