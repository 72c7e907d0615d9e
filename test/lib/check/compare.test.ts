import test from "ava";
import { applyMatcher } from "../../../lib/check/compare.js";
import { match } from "../../../lib/check/matchers.js";

const on = (text: string, exitCode?: number | null) => ({ text, ...(exitCode !== undefined ? { exitCode } : {}) });

test("same: equal after removing CR, trailing blanks and trailing empty lines; says where it differs", (t) => {
  t.true(applyMatcher(match.same("a\nb"), on("a  \r\nb\n\n")).ok);
  const diff = applyMatcher(match.same("a\nb\nc"), on("a\nB\nc"));
  t.false(diff.ok);
  t.is(diff.detail, "primeira diferença na linha 2: esperado «b», recebido «B»");
  t.regex(applyMatcher(match.same("a\nb"), on("a")).detail!, /faltam linhas/);
  t.regex(applyMatcher(match.same("a"), on("a\nextra")).detail!, /linhas a mais a partir da linha 2/);
});

test("contains and not-contains; not-contains also requires the command to succeed", (t) => {
  t.true(applyMatcher(match.contains("Connected to"), on("Trying...\nConnected to 52.150.37.127.\n")).ok);
  t.false(applyMatcher(match.contains("Connected to"), on("Connection refused")).ok);
  t.true(applyMatcher(match.notContains("error"), on("all good", 0)).ok);
  t.false(applyMatcher(match.notContains("error"), on("one error here", 0)).ok);
  const failed = applyMatcher(match.notContains("error"), on("all good", 1));
  t.false(failed.ok);
  t.regex(failed.detail!, /o comando falhou \(código 1\)/);
});

test("elided: parts separated by '...' lines must appear, in order", (t) => {
  const expected = "NAME   READY\n...\npayment-v1   2/2\n...\nshipping-v1   2/2";
  const output = "NAME   READY\naccounts-v1   2/2\npayment-v1   2/2\norders-v1   2/2\nshipping-v1   2/2";
  t.true(applyMatcher(match.elided(expected), on(output)).ok);
  const swapped = "NAME   READY\nshipping-v1   2/2\npayment-v1   2/2";
  const outOfOrder = applyMatcher(match.elided(expected), on(swapped));
  t.false(outOfOrder.ok);
  t.regex(outOfOrder.detail!, /trecho 3 de 3 aparece fora de ordem/);
  t.regex(applyMatcher(match.elided(expected), on("NAME   READY\npayment-v1   2/2")).detail!, /trecho 3 de 3 não aparece/);
});

test("like: tolerates pod-name suffixes, ages, IPs and <pending>, and '...' fields", (t) => {
  const expected = [
    "NAME                         READY   STATUS    RESTARTS   AGE",
    "payment-v1-6c9b8d7f5-abcde   2/2     Running   0          5m",
  ].join("\n");
  const received = [
    "NAME                         READY   STATUS    RESTARTS   AGE",
    "payment-v1-7f6b9d4c8-x2x9q   2/2     Running   0          2d3h",
  ].join("\n");
  t.true(applyMatcher(match.like(expected), on(received)).ok);
  const svc = "istio-eastwestgateway   LoadBalancer   10.0.29.141   52.150.37.127   ...   3m";
  t.true(applyMatcher(match.like(svc), on("istio-eastwestgateway   LoadBalancer   10.96.4.7   <pending>   15021:31111/TCP,15443:30000/TCP   12s")).ok);
  t.true(applyMatcher(match.like("outbound|8000||payment.default.svc.cluster.local::10.233.90.143:8000::cx_active::0"), on("outbound|8000||payment.default.svc.cluster.local::10.1.2.3:8000::cx_active::0")).ok);
});

test("like: rejects other values, other shapes, and a field that only shares a plain prefix", (t) => {
  const running = applyMatcher(match.like("payment-v1-abc   Running"), on("payment-v1-xyz   Pending"));
  t.false(running.ok);
  t.is(running.detail, "linha 1, campo 2: esperado «Running», recebido «Pending»");
  t.regex(applyMatcher(match.like("a b\nc d"), on("a b")).detail!, /número de linhas diferente: esperado 2, recebido 1/);
  t.regex(applyMatcher(match.like("a b c"), on("a b")).detail!, /esperado 3 campos, recebido 2/);
  t.false(applyMatcher(match.like("payment"), on("orders")).ok);
  t.false(applyMatcher(match.like("abcdef"), on("abc")).ok);
  t.false(applyMatcher(match.like("5m"), on("Running")).ok);
});

test("lines: '+ ' lines must appear and '- ' lines must not", (t) => {
  const spec = match.lines({ present: ["sds\tresource:default pushed key/cert pair"], absent: ["error"] });
  t.is(spec.kind, "lines");
  t.true(applyMatcher(spec, on("info\tsds\tresource:default pushed key/cert pair to proxy")).ok);
  t.regex(applyMatcher(spec, on("info\tsds\tnothing")).detail!, /falta uma linha/);
  t.regex(applyMatcher(spec, on("info\tsds\tresource:default pushed key/cert pair\nerror\tboom")).detail!, /não deveria aparecer/);
  t.true(applyMatcher(match.lines("just a comment line\n+ ok"), on("ok")).ok);
});

test("first-line: compares only the first line", (t) => {
  t.true(applyMatcher(match.firstLine("HTTP/1.1 200 OK\nignored"), on("HTTP/1.1 200 OK\r\ncontent-type: x")).ok);
  t.is(applyMatcher(match.firstLine("HTTP/1.1 200 OK"), on("HTTP/1.1 503 Service Unavailable")).detail, "primeira linha recebida: «HTTP/1.1 503 Service Unavailable»");
});

test("regex: any part of the output; an invalid pattern fails with the reason", (t) => {
  t.true(applyMatcher(match.regex(/\d+ packets transmitted, \d+ received/), on("5 packets transmitted, 5 received, 0% packet loss")).ok);
  t.true(applyMatcher(match.regex("^cx_active::0$", "m"), on("x\ncx_active::0\ny")).ok);
  t.false(applyMatcher(match.regex(/timeout/), on("ok")).ok);
  t.regex(applyMatcher({ kind: "regex", pattern: "(" }, on("x")).detail!, /expressão regular inválida/);
});

test("failure: the command must exit non-zero, optionally with a message", (t) => {
  t.true(applyMatcher(match.failure(), on("curl: (6) Could not resolve host: azure.archive.ubuntu.com", 6)).ok);
  t.regex(applyMatcher(match.failure(), on("ok", 0)).detail!, /deveria falhar/);
  t.true(applyMatcher(match.failure("Could not resolve host"), on("curl: (6) Could not resolve host: x", 6)).ok);
  t.regex(applyMatcher(match.failure("NXDOMAIN"), on("curl: (6) Could not resolve host: x", 6)).detail!, /mensagem esperada não aparece/);
  t.regex(applyMatcher(match.failure(), on("text only")).detail!, /precisa do resultado de um comando/);
  t.true(applyMatcher(match.failure(), on("killed", null)).ok);
});
