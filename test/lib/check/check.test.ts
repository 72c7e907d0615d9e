import test from "ava";
import { check } from "../../../lib/check/check.js";
import { predicateExpectation } from "../../../lib/check/expectation.js";
import { CheckFailure } from "../../../lib/check/failure.js";
import { match } from "../../../lib/check/matchers.js";
import { InputError } from "../../../lib/errors.js";
import type { CheckEvent } from "../../../lib/run/events.js";
import { testSession } from "../helpers/session.js";

const checks = (events: { kind: string }[]): CheckEvent[] => events.filter((e): e is CheckEvent => e.kind === "check");

test("a passing check emits one ✔ event with the matcher recorded and returns the received value", async (t) => {
  const { session, sink } = testSession();
  const result = await check(session, { title: "A VM responde", run: async () => "5 packets transmitted, 5 received", expect: match.contains("5 received") });
  t.is(result.status, "pass");
  t.is(result.value, "5 packets transmitted, 5 received");
  const [event] = checks(sink.events);
  t.like(event, { status: "pass", title: "A VM responde", attempts: 1, expected: "contém:\n5 received", received: "5 packets transmitted, 5 received", diagnoses: [] });
  t.deepEqual(event!.expectation, { kind: "contains", spec: { kind: "contains", expected: "5 received" } });
  t.is(session.log.ofKind("check").length, 1);
});

test("a failing check throws CheckFailure carrying the ✘ event; its message shows expected, received and the difference", async (t) => {
  const { session, sink } = testSession();
  const error = await t.throwsAsync(check(session, { title: "Primeira linha", run: () => "HTTP/1.1 503 Service Unavailable", expect: match.firstLine("HTTP/1.1 200 OK") }), { instanceOf: CheckFailure });
  t.is(error!.event.status, "fail");
  t.is(error!.event.detail, "primeira linha recebida: «HTTP/1.1 503 Service Unavailable»");
  t.regex(error!.message, /^Verificação falhou: ✘ Primeira linha\n {2}esperado: primeira linha igual a:/);
  t.regex(error!.message, /recebido: HTTP\/1.1 503/);
  t.deepEqual(checks(sink.events)[0], error!.event);
});

test("runs a real command through the session: a failed command is received as it is, not thrown", async (t) => {
  const { session } = testSession();
  const thrown = await check(session, {
    title: "O comando falha como esperado",
    run: () => session.run({ argv: ["sh", "-c", "echo 'curl: (6) Could not resolve host: azure.archive.ubuntu.com' >&2; exit 6"] }),
    expect: match.failure("Could not resolve host"),
  });
  t.is(thrown.status, "pass");
  t.is((thrown.value as { exitCode: number }).exitCode, 6);
  const error = await t.throwsAsync(check(session, { title: "Saída", run: () => session.run({ argv: ["sh", "-c", "echo ok; exit 2"] }), expect: match.notContains("error") }), { instanceOf: CheckFailure });
  t.regex(error!.event.received, /ok\n\(código de saída 2\)/);
  t.regex(error!.event.detail!, /o comando falhou \(código 2\)/);
});

test("retries until it passes, counting attempts (small real timers)", async (t) => {
  const { session } = testSession();
  let calls = 0;
  const result = await check(session, { title: "Eventualmente", run: () => (++calls >= 3 ? "ready" : "starting"), expect: match.same("ready"), retry: { timeoutMs: 5000, intervalMs: 5 } });
  t.is(result.event.attempts, 3);
  t.is(calls, 3);
  t.deepEqual(result.event.data, { retry: { timeoutMs: 5000, intervalMs: 5 } });
});

test("gives up at the deadline with the last received value", async (t) => {
  const { session } = testSession();
  let calls = 0;
  const error = await t.throwsAsync(check(session, { title: "Nunca", run: () => `tentativa ${++calls}`, expect: match.same("ready"), retry: { timeoutMs: 300, intervalMs: 20 } }), { instanceOf: CheckFailure });
  t.is(error!.event.attempts, calls);
  t.is(error!.event.received, `tentativa ${calls}`);
});

test("asks for N consecutive successes: a flapping answer is retried until the streak holds", async (t) => {
  const { session } = testSession();
  const answers = ["200", "503", "200", "200", "200"];
  let i = 0;
  const result = await check(session, { title: "Estável", run: () => answers[i++] ?? "200", expect: match.same("200"), retry: { timeoutMs: 5000, intervalMs: 2, consecutive: 3 } });
  t.is(result.event.attempts, 5);
});

test("says how many successes in a row it got when the deadline comes first", async (t) => {
  const { session } = testSession();
  const error = await t.throwsAsync(check(session, { title: "Estável", run: () => "200", expect: match.same("200"), retry: { timeoutMs: 30, intervalMs: 20, consecutive: 50 } }), { instanceOf: CheckFailure });
  t.regex(error!.event.detail!, /^só \d+ de 50 sucessos seguidos antes do prazo$/);
});

test("in plan mode, records the check as skipped without running it", async (t) => {
  const { session, sink } = testSession({ mode: "plan" });
  let ran = false;
  const result = await check(session, { title: "Plano", run: () => ((ran = true), "x"), expect: match.like("NAME READY") });
  t.false(ran);
  t.is(result.status, "skip");
  t.is(result.value, undefined);
  t.like(checks(sink.events)[0], { status: "skip", attempts: 0, received: "(não executado: modo plano)" });
  t.regex(checks(sink.events)[0]!.expected, /^parecido com/);
});

test("masks secrets in the event and in the thrown message", async (t) => {
  const { session } = testSession();
  session.masker.addSecret("s3cr3t-value");
  const error = await t.throwsAsync(check(session, { title: "Sem segredos", run: () => "token: s3cr3t-value", expect: match.notContains("token") }), { instanceOf: CheckFailure });
  t.false(JSON.stringify(error!.event).includes("s3cr3t-value"));
  t.false(error!.message.includes("s3cr3t-value"));
  t.regex(error!.event.received, /<segredo oculto>/);
});

test("an error thrown by the probe is a failed attempt: retried, and shown as received when it is the last", async (t) => {
  const { session } = testSession();
  let calls = 0;
  const recovered = await check(session, { title: "Sonda", run: () => { if (++calls < 3) throw new Error("conexão caiu"); return "ok"; }, expect: match.same("ok"), retry: { timeoutMs: 5000, intervalMs: 5 } });
  t.is(recovered.event.attempts, 3);
  const error = await t.throwsAsync(check(session, { title: "Sonda", run: () => { throw new Error("conexão caiu"); }, expect: match.contains("x") }), { instanceOf: CheckFailure });
  t.is(error!.event.received, "erro: conexão caiu");
  t.is(error!.event.detail, "a verificação não conseguiu obter o valor");
});

test("bad input is refused before the probe runs", async (t) => {
  const { session, sink } = testSession();
  let ran = false;
  const run = () => ((ran = true), "x");
  await t.throwsAsync(check(session, { title: " ", run, expect: match.same("x") }), { instanceOf: InputError });
  await t.throwsAsync(check(session, { title: "t", run, expect: match.same("x"), retry: { timeoutMs: -5 } }), { instanceOf: InputError });
  await t.throwsAsync(check(session, { title: "t", run: () => { throw new InputError("VM_ADDRESS inválido", "corrija"); }, expect: match.same("x") }), { instanceOf: InputError });
  t.false(ran);
  t.is(checks(sink.events).length, 0);
});

test("predicates: a boolean with a description, or a full verdict", async (t) => {
  const { session } = testSession();
  const passed = await check(session, { title: "Número par", run: () => 4, expect: (n: number) => n % 2 === 0, expected: "um número par" });
  t.is(passed.event.expected, "um número par");
  const error = await t.throwsAsync(check(session, { title: "Verdict", run: () => 3, expect: predicateExpectation((n: number) => ({ ok: false, expected: "par", received: String(n), detail: "é ímpar" })) }), { instanceOf: CheckFailure });
  t.like(error!.event, { expected: "par", received: "3", detail: "é ímpar" });
});

test("diagnoses a real failure under the check, with the session's parameters filled in", async (t) => {
  const { session } = testSession();
  const error = await t.throwsAsync(
    check(session, {
      title: "Conecta na VM",
      run: () => session.run({ argv: ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", "1", "peguser@127.0.0.1", "true"], target: "ssh", remote: "true", nothrow: true }),
      expect: match.same(""),
    }),
    { instanceOf: CheckFailure },
  );
  t.is(error!.event.diagnoses[0]!.id, "ssh-sem-conexao/recusada");
  t.regex(error!.event.diagnoses[0]!.evidence!, /ssh: connect to host 127.0.0.1 port 1: Connection refused/);
  t.regex(error!.message, /causa provável: 127.0.0.1 respondeu, mas nada escuta na porta 1/);
});

test("diagnoses can be turned off, given more context, or replaced", async (t) => {
  const { session } = testSession();
  const text = "upstream connect error or disconnect/reset before headers. reset reason: connection failure";
  const off = await t.throwsAsync(check(session, { title: "a", run: () => text, expect: match.contains("greetings"), diagnose: false }), { instanceOf: CheckFailure });
  t.deepEqual(off!.event.diagnoses, []);
  const context = await t.throwsAsync(check(session, { title: "b", run: () => text, expect: match.contains("greetings"), diagnose: { context: { workloadEntryServiceAccount: "pegasus-legacy" } } }), { instanceOf: CheckFailure });
  t.is(context!.event.diagnoses[0]!.id, "upstream-connect-error/conta-de-servico");
  t.regex(context!.event.diagnoses[0]!.cause, /"pegasus-legacy".*"legacy-pegasus"/);
  const custom = await t.throwsAsync(check(session, { title: "c", run: () => text, expect: match.contains("greetings"), diagnose: (input) => [{ id: "meu", cause: `kind ${input.kind}`, fix: "f" }] }), { instanceOf: CheckFailure });
  t.deepEqual(custom!.event.diagnoses, [{ id: "meu", cause: "kind contains", fix: "f" }]);
});
