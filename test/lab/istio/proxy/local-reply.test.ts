import test from "ava";
import { dataPlaneProfile } from "../../../../lab/istio/proxy/release.js";
import { upstreamResetReply, noHealthyUpstreamReply } from "../../../../lab/istio/proxy/local-reply.js";
import { connectFailure } from "../../../../lab/istio/proxy/upstream.js";

const tlsError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

test("1.8: the body of a TLS failure, without 'retried' even after Istio's retries", (t) => {
  const p = dataPlaneProfile("1.8.1");
  const reply = upstreamResetReply(connectFailure(tlsError("ERR_SSL_WRONG_VERSION_NUMBER"), p), { retried: true, profile: p });
  t.is(reply.status, 503);
  t.is(reply.body, "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER");
  t.is(reply.flags, "UF,URX");
  t.is(reply.details, "upstream_reset_before_response_started{connection_failure,TLS_error:_268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER}");
});

test("1.8: a refused connection has no transport failure reason; 1.2x and 1.30 add the delayed connect error", (t) => {
  const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  const body = (v: string) => upstreamResetReply(connectFailure(refused, dataPlaneProfile(v)), { retried: true, profile: dataPlaneProfile(v) }).body;
  t.is(body("1.8.1"), "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
  t.is(body("1.16.0"), "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection failure, transport failure reason: delayed connect error: 111");
  t.is(body("1.30.0"), "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: Connection refused");
});

test("1.30.0: certificate verification failures name Envoy's SAN matcher", (t) => {
  const p = dataPlaneProfile("1.30.0");
  const san = Object.assign(new Error("san"), { code: "ERR_LAB_SAN_MISMATCH" });
  t.is(
    upstreamResetReply(connectFailure(san, p), { retried: true, profile: p }).body,
    "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: SAN matcher:TLS_error_end",
  );
});

test("1.30.1+: the transport failure reason stays out of the body (Envoy 1.38.1)", (t) => {
  const p = dataPlaneProfile("1.30.1");
  const reply = upstreamResetReply(connectFailure(tlsError("ERR_SSL_WRONG_VERSION_NUMBER"), p), { retried: true, profile: p });
  t.is(reply.body, "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure");
  t.regex(reply.details, /WRONG_VERSION_NUMBER/, "still in %RESPONSE_CODE_DETAILS%");
});

test("an upstream that closes after the request is a 'connection termination'", (t) => {
  const p = dataPlaneProfile("1.8.1");
  const reply = upstreamResetReply({ resetReason: "connection termination", transportFailureReason: "", flag: "UC" }, { retried: false, profile: p });
  t.is(reply.body, "upstream connect error or disconnect/reset before headers. reset reason: connection termination");
  t.is(reply.flags, "UC");
});

test("no healthy upstream", (t) => {
  t.deepEqual(noHealthyUpstreamReply(), { status: 503, body: "no healthy upstream", flags: "UH", details: "no_healthy_upstream" });
});

test("1.30.0: response code details use '|' like the current access log", (t) => {
  const p = dataPlaneProfile("1.30.0");
  const reply = upstreamResetReply(connectFailure(tlsError("ERR_SSL_WRONG_VERSION_NUMBER"), p), { retried: true, profile: p });
  t.is(reply.details, "upstream_reset_before_response_started{remote_connection_failure|TLS_error:|268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end}");
});
