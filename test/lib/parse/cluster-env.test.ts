import test from "ava";
import { parseClusterEnv, summarizeClusterEnv } from "../../../lib/parse/cluster-env.js";
import { ParseError } from "../../../lib/parse/errors.js";
import { SEED_CLUSTER_ENV } from "../fixtures/cluster-env.js";

test("reads every KEY='value' line of the chapter's cluster.env, JSON values intact", (t) => {
  const { values, entries } = parseClusterEnv(SEED_CLUSTER_ENV);
  t.is(entries.length, 16);
  t.is(values["ISTIO_NAMESPACE"], "legacy");
  t.is(values["DNS_AGENT"], "");
  t.is(values["ISTIO_METAJSON_LABELS"], '{"app":"pegasus-pay","service.istio.io/canonical-name":"pegasus-pay","service.istio.io/canonical-version":"latest"}');
  t.deepEqual(entries[0], { key: "CANONICAL_REVISION", value: "latest", line: 1 });
});

test("summarises what the runbook reasons about: identity, ports, DNS capture, auto-registration", (t) => {
  const s = summarizeClusterEnv(parseClusterEnv(SEED_CLUSTER_ENV).values);
  t.like(s, { namespace: "legacy", serviceAccount: "legacy-pegasus", service: "pegasus-pay.legacy", inboundPorts: "*", dnsCapture: true, clusterId: "Kubernetes", network: "", meshId: "", trustDomain: "cluster.local" });
  t.is(s.autoRegisterGroup, undefined);
  t.deepEqual(s.labels, { app: "pegasus-pay", "service.istio.io/canonical-name": "pegasus-pay", "service.istio.io/canonical-version": "latest" });
  const current = summarizeClusterEnv(parseClusterEnv("ISTIO_INBOUND_PORTS='8000,9090'\nISTIO_META_AUTO_REGISTER_GROUP='pegasus-pay'\nISTIO_META_DNS_CAPTURE='false'\n").values);
  t.deepEqual(current.inboundPorts, [8000, 9090]);
  t.is(current.autoRegisterGroup, "pegasus-pay");
  t.false(current.dnsCapture);
});

test("follows shell quoting: escaped single quotes, double quotes, comments", (t) => {
  const { values } = parseClusterEnv(`A='it'\\''s'\nB="a \\"b\\" \\$c"\n# comment\nC=plain # trailing\nexport D='x'\n`);
  t.deepEqual(values, { A: "it's", B: 'a "b" $c', C: "plain", D: "x" });
});

test("names the line of a malformed entry or an unclosed quote", (t) => {
  t.throws(() => parseClusterEnv("A='ok'\nnot an assignment\n"), { instanceOf: ParseError, message: /linha 2/ });
  t.throws(() => parseClusterEnv("A='open\n"), { instanceOf: ParseError, message: /linha 1: aspas simples/ });
  t.throws(() => parseClusterEnv("A=two words\n"), { instanceOf: ParseError, message: /espaço fora de aspas/ });
});
