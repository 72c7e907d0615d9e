import test from "ava";
import { diagnose } from "../../../../lib/diagnose/diagnose.js";

const SEED_ERROR = "upstream connect error or disconnect/reset before headers. reset reason: connection failure";
const command = "kubectl exec -it svc/payment -c payment -- curl pegasus-pay.legacy.svc.cluster.local:8000";
const context = { vmNamespace: "legacy", serviceAccount: "legacy-pegasus" };

test("the chapter's error lists its three known causes, the course's workaround last", (t) => {
  const d = diagnose({ result: { stdout: SEED_ERROR, stderr: "", exitCode: 0, command }, context });
  t.deepEqual(d.map((x) => x.id), ["upstream-connect-error/docker", "upstream-connect-error/conta-de-servico", "upstream-connect-error/mtls"]);
  t.regex(d[0]!.cause, /-p 8000:8000/);
  t.regex(d[0]!.fix, /iptables -t nat -I PREROUTING 1 -p tcp -j ISTIO_INBOUND/);
  t.regex(d[2]!.fix, /PeerAuthentication com mtls.mode DISABLE no namespace legacy/);
});

test("TLS WRONG_VERSION_NUMBER confirms the Docker bypass; CERTIFICATE_VERIFY_FAILED or a known mismatch confirms the identity", (t) => {
  const wrong = `${SEED_ERROR}, transport failure reason: TLS error: 268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER`;
  t.is(diagnose({ text: wrong, context })[0]!.id, "upstream-connect-error/docker");
  const verify = `${SEED_ERROR}, transport failure reason: TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED`;
  t.is(diagnose({ text: verify, context })[0]!.id, "upstream-connect-error/conta-de-servico");
  const [known] = diagnose({ text: SEED_ERROR, context: { ...context, workloadEntryServiceAccount: "pegasus-legacy" } });
  t.is(known!.id, "upstream-connect-error/conta-de-servico");
  t.regex(known!.cause, /declara serviceAccount "pegasus-legacy", mas o certificado da VM tem a identidade "legacy-pegasus"/);
});

test("a connection timeout and 'no healthy upstream' have their own causes", (t) => {
  t.deepEqual(diagnose({ text: "upstream connect error or disconnect/reset before headers. reset reason: connection timeout", context }).map((d) => d.id), ["upstream-connect-error/timeout"]);
  const [d] = diagnose({ text: "no healthy upstream", context: { ...context, vmApp: "pegasus-pay" } });
  t.is(d!.id, "sem-endpoint-saudavel");
  t.regex(d!.fix, /kubectl get svc pegasus-pay -n legacy/);
});

test("Envoy's route timeout (504) and an AuthorizationPolicy denial (403)", (t) => {
  t.deepEqual(diagnose({ text: "upstream request timeout" }).map((d) => d.id), ["tempo-limite-da-rota"]);
  t.deepEqual(diagnose({ text: "RBAC: access denied" }).map((d) => d.id), ["negado-por-authorizationpolicy"]);
});
