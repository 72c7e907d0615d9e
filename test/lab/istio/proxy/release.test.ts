import test from "ava";
import { dataPlaneProfile, UnsupportedIstioVersionError } from "../../../../lab/istio/proxy/release.js";

test("the course's release: Envoy 1.16, DNS capture of everything, no clean on stop, inbound to 127.0.0.1", (t) => {
  const p = dataPlaneProfile("1.8.1");
  t.is(p.envoyVersion, "1.16");
  t.is(p.captureGeneration, "1.8");
  t.false(p.cleanOnStop);
  t.false(p.inboundForwardsToInstanceIp);
  t.is(p.dnsRcodeBeforeSync, "NXDOMAIN");
  t.deepEqual(p.mtlsHttp11Alpn, ["istio-http/1.1", "istio"]);
  t.is(p.connectionFailureReason, "connection failure");
  t.is(p.tlsFailureFormat, "classic");
  t.false(p.upstreamResetRetriedPrefix);
});

test("the current release: Envoy 1.38, resolv.conf-only DNS capture, clean on stop, inbound passthrough", (t) => {
  const p = dataPlaneProfile("1.30.0");
  t.is(p.envoyVersion, "1.38");
  t.is(p.captureGeneration, "1.25");
  t.true(p.cleanOnStop);
  t.true(p.inboundForwardsToInstanceIp);
  t.is(p.dnsRcodeBeforeSync, "SERVFAIL");
  t.is(p.dnsListen.logAddress, "127.0.0.1:15053");
  t.is(p.connectionFailureReason, "remote connection failure");
  t.is(p.tlsFailureFormat, "pipe-delimited");
  t.true(p.upstreamResetRetriedPrefix);
  t.false(p.hideTransportFailureReason);
  t.true(dataPlaneProfile("1.30.1").hideTransportFailureReason, "Envoy 1.38.1 stopped printing it in the body");
});

test("1.9 already captures DNS per server and logs at localhost:15053", (t) => {
  const p = dataPlaneProfile("1.9.0");
  t.is(p.captureGeneration, "1.9");
  t.is(p.dnsListen.logAddress, "localhost:15053");
  t.is(p.dnsLogScope, "dns");
});

test("versions outside 1.8–1.30 and malformed strings are refused", (t) => {
  t.throws(() => dataPlaneProfile("1.7.3"), { instanceOf: UnsupportedIstioVersionError });
  t.throws(() => dataPlaneProfile("1.31.0"), { instanceOf: UnsupportedIstioVersionError });
  t.throws(() => dataPlaneProfile("latest"), { instanceOf: UnsupportedIstioVersionError });
  t.is(dataPlaneProfile("1.8").istioVersion, "1.8.0");
});
