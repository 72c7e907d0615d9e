import test from "ava";
import { renderCheckHtml, renderCheckText } from "../../../lib/display/render.js";
import type { CheckEvent } from "../../../lib/run/events.js";

const base: CheckEvent = {
  kind: "check",
  id: "k1",
  at: "2024-01-01T00:00:00.000Z",
  title: "A VM responde ao ping",
  status: "pass",
  expected: "respostas ao ping: pelo menos 1, com no máximo 20% de perda",
  received: "5 enviados, 5 recebidos, 0% de perda",
  attempts: 1,
  durationMs: 120,
  diagnoses: [],
};

const failed: CheckEvent = {
  ...base,
  status: "fail",
  received: "5 enviados, 0 recebidos, 100% de perda",
  detail: "0 respostas, esperado pelo menos 1",
  attempts: 3,
  durationMs: 12_000,
  diagnoses: [{ id: "ping-sem-resposta", cause: "a VM (198.18.0.10) não respondeu ao ping", fix: "libere ICMP de entrada", evidence: "5 packets transmitted, 0 received, 100% packet loss, time 4087ms" }],
};

test("text: a passed check is one line with ✔", (t) => {
  t.is(renderCheckText(base), "✔ A VM responde ao ping");
});

test("text: a failed check shows expected, received, the difference, attempts and the diagnoses", (t) => {
  t.is(
    renderCheckText(failed),
    [
      "✘ A VM responde ao ping",
      "  esperado: respostas ao ping: pelo menos 1, com no máximo 20% de perda",
      "  recebido: 5 enviados, 0 recebidos, 100% de perda",
      "  diferença: 0 respostas, esperado pelo menos 1",
      "  tentativas: 3 em 12 s",
      "  ▸ causa provável: a VM (198.18.0.10) não respondeu ao ping",
      "    como corrigir: libere ICMP de entrada",
      "    evidência: 5 packets transmitted, 0 received, 100% packet loss, time 4087ms",
    ].join("\n"),
  );
});

test("text: a skipped check says it did not run and what it expects; multi-line values stay aligned", (t) => {
  t.is(renderCheckText({ ...base, status: "skip", attempts: 0 }), "– A VM responde ao ping (não executado: modo plano)\n  esperado: respostas ao ping: pelo menos 1, com no máximo 20% de perda");
  t.is(renderCheckText({ ...failed, diagnoses: [], detail: undefined, attempts: 1, expected: "igual a:\nready" }).split("\n")[1], "  esperado: igual a:");
});

test("html: ✔ with expected and received folded; ✘ open with the difference and diagnoses; text escaped", (t) => {
  const pass = renderCheckHtml({ ...base, received: "<none>" });
  t.regex(pass, /class="iev-check iev-pass"/);
  t.regex(pass, /<details><summary[^>]*><span[^>]*>✔<\/span> A VM responde ao ping<\/summary>/);
  t.regex(pass, /&lt;none&gt;/);
  t.notRegex(pass, /<none>/);
  const fail = renderCheckHtml(failed);
  t.regex(fail, /class="iev-check iev-fail"/);
  t.notRegex(fail, /<details>/);
  t.regex(fail, />diferença<\/td><td><pre[^>]*>0 respostas, esperado pelo menos 1<\/pre>/);
  t.regex(fail, /class="iev-diagnosis"[^>]*><b>Causa provável:<\/b> a VM \(198.18.0.10\) não respondeu ao ping<br><b>Como corrigir:<\/b>/);
  t.regex(fail, /\(3 tentativas, 12 s\)/);
  const skip = renderCheckHtml({ ...base, status: "skip", attempts: 0 });
  t.regex(skip, /não executado: modo plano/);
  t.notRegex(skip, />recebido</);
});
