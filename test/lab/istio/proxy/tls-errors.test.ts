import test from "ava";
import { BORINGSSL, classifyTlsError, systemError, tlsFailureReason } from "../../../../lab/istio/proxy/tls-errors.js";
import { dataPlaneProfile } from "../../../../lab/istio/proxy/release.js";

test("BoringSSL packed codes match the ones Envoy prints", (t) => {
  t.is(BORINGSSL.WRONG_VERSION_NUMBER.code, 268435703);
  t.is(BORINGSSL.CERTIFICATE_VERIFY_FAILED.code, 268435581);
  t.is(BORINGSSL.SSLV3_ALERT_CERTIFICATE_EXPIRED.code, 268436501);
  t.is(systemError(104, "Connection reset by peer").code, 33554536);
});

test("OpenSSL errors seen by Node map to BoringSSL reasons", (t) => {
  t.deepEqual(classifyTlsError(Object.assign(new Error(), { code: "ERR_SSL_WRONG_VERSION_NUMBER" }))?.errors, [BORINGSSL.WRONG_VERSION_NUMBER]);
  t.deepEqual(classifyTlsError(Object.assign(new Error(), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }))?.errors, [BORINGSSL.CERTIFICATE_VERIFY_FAILED]);
  t.deepEqual(classifyTlsError(Object.assign(new Error(), { code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" }))?.errors, [BORINGSSL.TLSV1_CERTIFICATE_REQUIRED]);
  t.is(classifyTlsError(Object.assign(new Error(), { code: "ECONNRESET" })), undefined, "a plain reset is not a TLS error");
});

test("the failure reason text per Envoy generation", (t) => {
  const failure = { errors: [BORINGSSL.CERTIFICATE_VERIFY_FAILED], detail: "verify cert failed: SAN matcher" };
  t.is(tlsFailureReason(failure, dataPlaneProfile("1.8.1")), "TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED");
  t.is(tlsFailureReason(failure, dataPlaneProfile("1.30.0")), "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: SAN matcher:TLS_error_end");
});
