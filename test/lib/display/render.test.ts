import test from "ava";
import type { CheckEvent, RunbookEvent } from "../../../lib/run/events.js";
import { groupEvents, isCommandView, renderCheckHtml, renderCheckText, renderCommandHtml, renderCommandText } from "../../../lib/display/render.js";
import { stripAnsi } from "../../../lib/display/text.js";

const at = "2026-01-01T00:00:00.000Z";
const commandEvents: RunbookEvent[] = [
  { kind: "command", id: "c1", at, target: "local", display: "kubectl get svc -n istio-system", exact: "/x/kubectl --context lab get svc -n istio-system", planned: false },
  { kind: "output", id: "c1", stream: "stdout", text: "NAME   TYPE\n\u001b[32mistiod\u001b[0m ClusterIP <none>\n" },
  { kind: "end", id: "c1", exitCode: 0, signal: null, durationMs: 412, timedOut: false, ok: true, planned: false },
];

test("groups a command with its output and end, in order", (t) => {
  const items = groupEvents(commandEvents);
  t.is(items.length, 1);
  t.true(isCommandView(items[0]));
});

test("renders a command as text with a prompt, its output without colours, and a status", (t) => {
  const [view] = groupEvents(commandEvents);
  if (!isCommandView(view)) return t.fail();
  t.is(renderCommandText(view), "$ kubectl get svc -n istio-system\nNAME   TYPE\nistiod ClusterIP <none>\n[✔ 0,4 s]");
});

test("renders a command as escaped HTML", (t) => {
  const [view] = groupEvents(commandEvents);
  if (!isCommandView(view)) return t.fail();
  const html = renderCommandHtml(view);
  t.true(html.includes("$ kubectl get svc -n istio-system"));
  t.true(html.includes("istiod ClusterIP &lt;none&gt;"));
  t.false(html.includes("\u001b"));
});

test("an SSH command shows the remote command line after a vm$ prompt", (t) => {
  const items = groupEvents([
    { kind: "command", id: "s", at, target: "ssh", display: "ssh -i k peguser@vm -- sudo true", exact: "ssh …", remote: "sudo true", planned: false },
  ]);
  if (!isCommandView(items[0])) return t.fail();
  t.true(renderCommandText(items[0]).startsWith("vm$ sudo true\n"));
});

const failed: CheckEvent = {
  kind: "check",
  id: "k1",
  at,
  title: "cluster → VM responde 200",
  status: "fail",
  expected: "HTTP 200",
  received: "HTTP 503: upstream connect error or disconnect/reset before headers. reset reason: connection failure",
  attempts: 3,
  durationMs: 3200,
  diagnoses: [{ id: "docker-dnat", cause: "a porta publicada pelo docker desvia da captura do sidecar", fix: "rode o app sem -p" }],
};

test("a failed check shows expected, received, attempts and the diagnosis", (t) => {
  const text = renderCheckText(failed);
  t.regex(text, /^✘ cluster → VM responde 200/);
  t.regex(text, /esperado: HTTP 200/);
  t.regex(text, /recebido: HTTP 503/);
  t.regex(text, /tentativas: 3/);
  t.regex(text, /causa provável: a porta publicada/);
  const html = renderCheckHtml(failed);
  t.regex(html, /iev-fail/);
  t.regex(html, /Causa provável/);
});

test("a passing check is one line", (t) => {
  t.is(renderCheckText({ ...failed, status: "pass", attempts: 1, diagnoses: [] }), "✔ cluster → VM responde 200");
});

test("stripAnsi removes colour and OSC sequences", (t) => {
  t.is(stripAnsi("\u001b[1;31mred\u001b[0m \u001b]8;;http://x\u0007link\u001b]8;;\u0007"), "red link");
});
