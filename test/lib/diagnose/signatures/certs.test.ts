import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";

test("x509 unknown authority on the VM: the root certificate does not match istiod's CA", (t) => {
  const text = 'error\txdsproxy\tfailed to create upstream grpc client: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: x509: certificate signed by unknown authority"';
  const [d] = diagnose({ text, context: { vmNamespace: "legacy" } });
  t.is(d!.id, "certificado-raiz-diferente");
  t.regex(d!.fix, /\/etc\/certs\/root-cert.pem/);
  t.regex(d!.fix, /kubectl -n legacy get configmap istio-ca-root-cert -o jsonpath='\{.data.root-cert\\.pem\}'/);
});

test("does not claim kubectl's or a pod-to-VM certificate error", (t) => {
  t.deepEqual(diagnose({ text: "Unable to connect to the server: x509: certificate signed by unknown authority" }).map((d) => d.id), ["kubectl-cluster-inacessivel"]);
  const podToVm = "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED";
  t.false(diagnose({ text: podToVm }).some((d) => d.id === "certificado-raiz-diferente"));
});
