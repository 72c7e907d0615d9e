import test from "ava";
import { httpAnswer, subsetProblem } from "../../../../lib/check/expect/http.js";
import { InputError } from "../../../../lib/errors.js";
import { parseCurl } from "../../../../lib/parse/curl.js";

const GREETING = '{"name":"greetings","description":"Hi there!","app":"pegasus-pay","version":"v1","when":"2020-12-26 14:48:26"}';

test("passes on the expected status and JSON fields (a subset), returning the parsed answer", (t) => {
  const v = httpAnswer({ status: 200, json: { app: "pegasus-pay", version: "v1" } }).evaluate(`${GREETING}\nhttp_code=200\n`);
  t.true(v.ok);
  t.like(v.data, { status: 200, json: { name: "greetings" } });
  t.regex(v.received, /^HTTP 200\n\{\n {2}"name": "greetings"/);
  t.is(v.expected, 'status HTTP 200, JSON com {"app":"pegasus-pay","version":"v1"}');
});

test("fails on another status, another field value, or a body that is not JSON", (t) => {
  t.is(httpAnswer({ status: 200 }).evaluate("upstream connect error or disconnect/reset before headers. reset reason: connection failure\nhttp_code=503\n").detail, "status 503, esperado 200");
  t.is(httpAnswer({ json: { version: "v2" } }).evaluate(`${GREETING}\nhttp_code=200\n`).detail, 'version: esperado "v2", recebido "v1"');
  t.is(httpAnswer({ json: { app: "x" } }).evaluate("<html></html>\nhttp_code=200\n").detail, "o corpo não é JSON");
  t.is(httpAnswer({ bodyContains: "Hi" }).evaluate("nothing\nhttp_code=200\n").detail, "o corpo não contém «Hi»");
});

test("explains a missing answer (curl error) and output without the status convention", (t) => {
  const refused = httpAnswer({ status: 200 }).evaluate({ stdout: "\nhttp_code=000\n", stderr: "curl: (7) Failed to connect to 198.18.0.10 port 8000 after 0 ms: Couldn't connect to server\n", exitCode: 7 });
  t.regex(refused.detail!, /^sem resposta HTTP: curl \(7\) não foi possível conectar/);
  t.regex(refused.received, /curl: \(7\)/);
  t.regex(httpAnswer({ status: 200 }).evaluate(GREETING).detail!, /não traz o código HTTP: use curlStatusArgv/);
  t.true(httpAnswer({ json: { name: "greetings" } }).evaluate(GREETING).ok);
  t.true(httpAnswer({ status: 404 }).evaluate(parseCurl('{"detail":"x"}\nhttp_code=404\n')).ok);
});

test("compares nested objects and arrays as subsets, naming the path", (t) => {
  t.is(subsetProblem({ a: { b: [1, 2] } }, { a: { b: [1, 2], c: 3 } }, ""), undefined);
  t.is(subsetProblem({ a: { b: 1 } }, { a: {} }, ""), "falta o campo a.b");
  t.is(subsetProblem({ a: [1] }, { a: [1, 2] }, ""), "a: esperado uma lista de 1 itens");
  t.is(subsetProblem({ a: { b: 1 } }, { a: { b: 2 } }, ""), "a.b: esperado 1, recebido 2");
});

test("refuses an empty or invalid expectation", (t) => {
  t.throws(() => httpAnswer({}), { instanceOf: InputError });
  t.throws(() => httpAnswer({ status: 1000 }), { instanceOf: InputError });
});

test("checks the lab's generic service through the real curl convention: / answers the VM's app and version, /r the asked code", async (t) => {
  const { startGenericService } = await import("../../../../lab/apps/generic-service/index.js");
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const { curlStatusArgv } = await import("../../../../lib/parse/curl.js");
  const service = await startGenericService({ env: { APP: "pegasus-pay", VERSION: "v1", SCHED_CALL_INTERVAL: "300" }, host: "127.0.0.1", port: 0, workers: 1, log: () => undefined });
  t.teardown(() => service.close());
  const curl = async (url: string) => {
    const argv = curlStatusArgv({ url });
    const { stdout, stderr } = await promisify(execFile)(argv[0]!, argv.slice(1));
    return { stdout, stderr, exitCode: 0 };
  };
  const root = httpAnswer({ status: 200, json: { name: "greetings", app: "pegasus-pay", version: "v1" } }).evaluate(await curl(`${service.url}/`));
  t.true(root.ok, root.detail);
  const asked = httpAnswer({ status: 404, bodyContains: "asks for 404" }).evaluate(await curl(`${service.url}/r?code=404`));
  t.true(asked.ok, asked.detail);
  const wrong = httpAnswer({ status: 200, json: { version: "v2" } }).evaluate(await curl(`${service.url}/healthz`));
  t.is(wrong.detail, 'version: esperado "v2", recebido "v1"');
});
