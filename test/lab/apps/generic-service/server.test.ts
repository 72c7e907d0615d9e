// The service's HTTP behaviour, as derived from the original (FastAPI 0.61 app on uvicorn 0.11 with httptools).
import test from "ava";
import { closedPort, rawExchange, request, startService } from "./helpers.js";
import { GenericServiceStartError, startGenericService } from "../../../../lab/apps/generic-service/server.js";
import { GenericServiceConfigError } from "../../../../lab/apps/generic-service/config.js";

process.env["TZ"] = "UTC";
const fixed = (): Date => new Date(Date.UTC(2021, 0, 25, 14, 13, 43, 250));
const pegasus = { APP: "pegasus-pay", VERSION: "v1" };
const headerNames = (rawHeaders: string[]): string[] => rawHeaders.filter((_, i) => i % 2 === 0);

test("GET / answers the greetings message as compact JSON in MessageOut's field order", async (t) => {
  const { service } = await startService(t, { env: pegasus, now: fixed });
  const reply = await request(`${service.url}/`);
  t.is(reply.status, 200);
  t.is(reply.body, '{"name":"greetings","description":"Hi there!","app":"pegasus-pay","version":"v1","when":"2021-01-25 14:13:43"}');
});

test("responses carry uvicorn's lower-case headers in its order (date, server, then the app's) and nothing else", async (t) => {
  const { service } = await startService(t, { env: pegasus, now: fixed });
  const reply = await request(`${service.url}/healthz`);
  t.deepEqual(headerNames(reply.rawHeaders), ["date", "server", "content-length", "content-type"]);
  t.is(reply.headers["server"], "uvicorn");
  t.is(reply.headers["content-type"], "application/json");
  t.is(reply.headers["content-length"], String(Buffer.byteLength(reply.body)));
  t.regex(reply.headers["date"] ?? "", /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
});

test("GET /healthz answers status/health; unset APP and VERSION give empty strings", async (t) => {
  const { service } = await startService(t, { now: fixed });
  const reply = await request(`${service.url}/healthz`);
  t.is(reply.status, 200);
  t.is(reply.body, '{"name":"status","description":"health","app":"","version":"","when":"2021-01-25 14:13:43"}');
});

test("GET /r without parameters answers 200 with the detail sentence", async (t) => {
  const { service } = await startService(t, { now: fixed });
  const reply = await request(`${service.url}/r`);
  t.is(reply.status, 200);
  t.is(reply.body, '{"detail":"At 2021-01-25 14:13:43 this request asks for 200 and waits for 0s and now is 2021-01-25 14:13:43."}');
});

test("GET /r?code=404&wait=1 answers 404 with the requested wait in the sentence", async (t) => {
  const { service } = await startService(t, { now: fixed });
  const reply = await request(`${service.url}/r?code=404&wait=1`);
  t.is(reply.status, 404);
  t.is(reply.statusMessage, "Not Found");
  t.is(reply.body, '{"detail":"At 2021-01-25 14:13:43 this request asks for 404 and waits for 1s and now is 2021-01-25 14:13:43."}');
});

test("/r really sleeps: the sentence's `now` is at least `wait` seconds after its `when`", async (t) => {
  const { service } = await startService(t);
  const reply = await request(`${service.url}/r?code=201&wait=1`);
  const match = /^\{"detail":"At (.+) this request asks for 201 and waits for 1s and now is (.+)\."\}$/.exec(reply.body);
  t.truthy(match);
  const seconds = (text: string): number => Date.parse(`${text.replace(" ", "T")}Z`) / 1000;
  t.true(seconds(match?.[2] ?? "") - seconds(match?.[1] ?? "") >= 1);
});

test("GET /r?code=504&wait=1 answers 504 Gateway Timeout (the course's chaos example)", async (t) => {
  const { service } = await startService(t, { now: fixed });
  const reply = await request(`${service.url}/r?code=504&wait=1`);
  t.is(reply.status, 504);
  t.is(reply.statusMessage, "Gateway Timeout");
});

test("wait=1s (as chapter 14 types it) is not an integer: 422 with pydantic's error for `wait`", async (t) => {
  const { service, logs } = await startService(t, { now: fixed });
  const reply = await request(`${service.url}/r?code=404&wait=1s`);
  t.is(reply.status, 422);
  t.is(reply.body, '{"detail":[{"loc":["query","wait"],"msg":"value is not a valid integer","type":"type_error.integer"}]}');
  t.false(logs.texts("stderr").some((line) => line.includes("opentracing")), "validation fails before the endpoint runs");
});

test("every invalid parameter is reported, in declaration order; an empty value is invalid too", async (t) => {
  const { service } = await startService(t);
  const reply = await request(`${service.url}/r?wait=x&code=`);
  t.is(reply.status, 422);
  t.deepEqual(JSON.parse(reply.body), {
    detail: [
      { loc: ["query", "code"], msg: "value is not a valid integer", type: "type_error.integer" },
      { loc: ["query", "wait"], msg: "value is not a valid integer", type: "type_error.integer" },
    ],
  });
});

test("a repeated parameter keeps its last value and int() spellings like +503 and 5_03 are accepted", async (t) => {
  const { service } = await startService(t);
  t.is((await request(`${service.url}/r?code=500&code=503`)).status, 503);
  t.is((await request(`${service.url}/r?code=%2B503`)).status, 503);
  t.is((await request(`${service.url}/r?code=5_03`)).status, 503);
});

test("a code Python 3.8 has no phrase for gets an empty reason phrase, in the status line and the access log", async (t) => {
  const { service, logs } = await startService(t);
  const { received } = await rawExchange(service.port, "GET /r?code=418 HTTP/1.1\r\nHost: x\r\n\r\n", (text) => text.includes("}"));
  t.true(received.startsWith("HTTP/1.1 418 \r\n"));
  t.true(logs.texts("stdout").some((line) => line.endsWith('"GET /r?code=418 HTTP/1.1" 418 ')));
});

test("a code outside 100..599 breaks the connection with no response, logged as uvicorn's KeyError (twice)", async (t) => {
  const { service, logs } = await startService(t);
  const { received, closedByServer } = await rawExchange(service.port, "GET /r?code=999 HTTP/1.1\r\nHost: x\r\n\r\n");
  t.is(received, "");
  t.true(closedByServer);
  t.true(logs.texts("stdout").some((line) => line.endsWith('"GET /r?code=999 HTTP/1.1" 999 ')));
  const errors = logs.texts("stderr").filter((line) => line.includes("Exception in ASGI application"));
  t.is(errors.length, 2);
  t.true(errors[0]?.startsWith("ERROR:    Exception in ASGI application\nTraceback (most recent call last):"));
  t.true(errors[0]?.endsWith("KeyError: 999"));
  t.regex(errors[1] ?? "", /^ERROR: \S+ \S+ - Exception in ASGI application\n/);
});

test("a negative wait is an unhandled ValueError: 500 Internal Server Error in plain text, then the connection closes", async (t) => {
  const { service, logs } = await startService(t);
  const { received, closedByServer } = await rawExchange(service.port, "GET /r?wait=-1 HTTP/1.1\r\nHost: x\r\n\r\n");
  t.true(received.startsWith("HTTP/1.1 500 Internal Server Error\r\n"));
  t.true(received.includes("content-type: text/plain; charset=utf-8\r\n"));
  t.true(received.endsWith("\r\n\r\nInternal Server Error"));
  t.true(closedByServer);
  t.true(logs.texts("stderr").some((line) => line.endsWith("ValueError: sleep length must be non-negative")));
});

test("unknown paths answer 404 {\"detail\":\"Not Found\"}", async (t) => {
  const { service } = await startService(t);
  const reply = await request(`${service.url}/nope`);
  t.is(reply.status, 404);
  t.is(reply.body, '{"detail":"Not Found"}');
});

test("the routes only take GET: other methods, HEAD included, answer 405 Method Not Allowed", async (t) => {
  const { service } = await startService(t);
  const post = await request(`${service.url}/`, { method: "POST" });
  t.is(post.status, 405);
  t.is(post.body, '{"detail":"Method Not Allowed"}');
  const head = await request(`${service.url}/healthz`, { method: "HEAD" });
  t.is(head.status, 405);
  t.is(head.body, "");
  t.is(head.headers["content-length"], "31");
});

test("a trailing slash is redirected (307, empty chunked body) to the route, honouring Host and X-Forwarded-Proto", async (t) => {
  const { service } = await startService(t);
  const { received } = await rawExchange(
    service.port,
    "GET /healthz/?a=1 HTTP/1.1\r\nHost: front-end:8000\r\nX-Forwarded-Proto: https\r\n\r\n",
    (text) => text.endsWith("0\r\n\r\n"),
  );
  t.regex(received, /^HTTP\/1\.1 307 Temporary Redirect\r\ndate: [^\r]+\r\nserver: uvicorn\r\nlocation: https:\/\/front-end:8000\/healthz\?a=1\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n$/);
  const reply = await request(`${service.url}/s/`);
  t.is(reply.status, 307);
  t.is(reply.headers["location"], `${service.url}/s`);
  const noHost = await rawExchange(service.port, "GET /healthz/ HTTP/1.0\r\n\r\n");
  t.true(noHost.received.includes(`\r\nlocation: http://127.0.0.1:${service.port}/healthz\r\n`), "without Host, the connection's local address");
});

test("paths are percent-decoded before routing and logged re-quoted", async (t) => {
  const { service, logs } = await startService(t);
  t.is((await request(`${service.url}/%68ealthz`)).status, 200);
  t.true(logs.texts("stdout").some((line) => line.includes('"GET /healthz HTTP/1.1" 200 OK')));
});

test("absolute-form request targets (as proxies send them) are routed by their path", async (t) => {
  const { service } = await startService(t);
  const ok = await rawExchange(service.port, "GET http://front-end:8000/healthz HTTP/1.1\r\nHost: front-end:8000\r\n\r\n", (text) => text.includes("}"));
  t.true(ok.received.startsWith("HTTP/1.1 200 OK\r\n"));
  const odd = await rawExchange(service.port, "GET http://[bad HTTP/1.1\r\nHost: x\r\n\r\n", (text) => text.includes("}"));
  t.true(odd.received.startsWith("HTTP/1.1 200 OK\r\n"), "an authority that is not a valid host still routes to its (empty) path: /");
  t.is((await request(`${service.url}/healthz`)).status, 200);
});

test("access lines name the client's address and port, or X-Forwarded-For's last address with port 0", async (t) => {
  const { service, logs } = await startService(t);
  await request(`${service.url}/healthz`);
  await request(`${service.url}/r?code=404`, { headers: { "X-Forwarded-For": "203.0.113.9, 10.1.2.3" } });
  const lines = logs.texts("stdout");
  t.regex(lines[0] ?? "", /^INFO: {5}127\.0\.0\.1:\d+ - "GET \/healthz HTTP\/1\.1" 200 OK$/);
  t.is(lines[1], 'INFO:     10.1.2.3:0 - "GET /r?code=404 HTTP/1.1" 404 Not Found');
});

test("/openapi.json serves FastAPI 0.61's document for the four routes", async (t) => {
  const { service } = await startService(t);
  const reply = await request(`${service.url}/openapi.json`);
  t.is(reply.status, 200);
  t.is(
    reply.body,
    '{"openapi":"3.0.2","info":{"title":"FastAPI","version":"0.1.0"},"paths":{' +
      '"/":{"get":{"summary":"Root","operationId":"root__get","responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/MessageOut"}}}}}}},' +
      '"/r":{"get":{"summary":"Resp","operationId":"resp_r_get","parameters":[' +
      '{"required":false,"schema":{"title":"Code","type":"integer","default":200},"name":"code","in":"query"},' +
      '{"required":false,"schema":{"title":"Wait","type":"integer","default":0},"name":"wait","in":"query"}],' +
      '"responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{}}}},' +
      '"422":{"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}}}}},' +
      '"/s":{"get":{"summary":"Split","operationId":"split_s_get","responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/MessageOut"}}}}}}},' +
      '"/healthz":{"get":{"summary":"Health","operationId":"health_healthz_get","responses":{"200":{"description":"Successful Response","content":{"application/json":{"schema":{"$ref":"#/components/schemas/MessageOut"}}}}}}}},' +
      '"components":{"schemas":{' +
      '"HTTPValidationError":{"title":"HTTPValidationError","type":"object","properties":{"detail":{"title":"Detail","type":"array","items":{"$ref":"#/components/schemas/ValidationError"}}}},' +
      '"MessageOut":{"title":"MessageOut","required":["name"],"type":"object","properties":{"name":{"title":"Name","type":"string"},"description":{"title":"Description","type":"string"},"app":{"title":"App","type":"string"},"version":{"title":"Version","type":"string"},"when":{"title":"When","type":"string"}},' +
      '"example":{"name":"message_type","description":"any description or value","app":"app-name","version":"version","when":"%Y-%m-%d %H:%M:%S"}},' +
      '"ValidationError":{"title":"ValidationError","required":["loc","msg","type"],"type":"object","properties":{"loc":{"title":"Location","type":"array","items":{"type":"string"}},"msg":{"title":"Message","type":"string"},"type":{"title":"Error Type","type":"string"}}}}}}',
  );
});

test("the documentation pages answer GET and HEAD as HTML", async (t) => {
  const { service } = await startService(t);
  const docs = await request(`${service.url}/docs`);
  t.is(docs.headers["content-type"], "text/html; charset=utf-8");
  t.regex(docs.body, /<title>FastAPI - Swagger UI<\/title>/);
  t.regex(docs.body, /swagger-ui-dist@3\.30\.0/);
  t.regex((await request(`${service.url}/redoc`)).body, /<title>FastAPI - ReDoc<\/title>/);
  t.is((await request(`${service.url}/docs/oauth2-redirect`)).status, 200);
  const head = await request(`${service.url}/openapi.json`, { method: "HEAD" });
  t.is(head.status, 200);
  t.is(head.body, "");
  t.not(head.headers["content-length"], "0");
});

test("HTTP/1.1 connections are kept alive between requests; HTTP/1.0 ones are closed after the response", async (t) => {
  const { service } = await startService(t);
  const twice = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /r?code=201 HTTP/1.1\r\nHost: x\r\n\r\n";
  const kept = await rawExchange(service.port, twice, (text) => text.includes("HTTP/1.1 201 Created"));
  t.false(kept.closedByServer);
  t.is(kept.received.match(/HTTP\/1\.1 \d{3}/g)?.length, 2);
  const old = await rawExchange(service.port, "GET /healthz HTTP/1.0\r\n\r\n");
  t.true(old.received.startsWith("HTTP/1.1 200 OK\r\n"));
  t.true(old.closedByServer);
});

test("a malformed request is dropped with uvicorn's warning, logged twice", async (t) => {
  const { service, logs } = await startService(t);
  const { received, closedByServer } = await rawExchange(service.port, "THIS IS NOT HTTP\r\n\r\n");
  t.is(received, "");
  t.true(closedByServer);
  t.is(logs.texts("stderr").filter((line) => line.includes("Invalid HTTP request received.")).length, 2);
  t.true(logs.texts("stderr").includes("WARNING:  Invalid HTTP request received."));
});

test("GET /s without SPLIT_CALL_URL_LST answers the split message for [''] and calls nothing", async (t) => {
  const { service, logs } = await startService(t, { env: pegasus, now: fixed });
  const reply = await request(`${service.url}/s`);
  t.is(reply.body, `{"name":"split","description":"List ['']","app":"pegasus-pay","version":"v1","when":"2021-01-25 14:13:43"}`);
  const lines = logs.texts("stderr");
  t.true(lines.includes("INFO: 2021-01-25 14:13:43,250 - Calling: ['']"));
  t.false(lines.some((line) => line.includes("headers: {") || line.includes("Failed reaching")));
});

test("start-up logs uvicorn's supervisor lines, then per worker the scheduler and server lines; close() logs the shut-down", async (t) => {
  const { service, logs } = await startService(t, { now: fixed, workers: 2 });
  const pid = process.pid;
  const ts = "2021-01-25 14:13:43,250";
  const workerStart = [
    `INFO: ${ts} - Scheduler started`,
    `INFO: ${ts} - Added job "Call url every 10 seconds" to job store "default"`,
    `INFO:     Started server process [${pid}]`,
    `INFO: ${ts} - Started server process [${pid}]`,
    "INFO:     Waiting for application startup.",
    `INFO: ${ts} - Waiting for application startup.`,
    "INFO:     Application startup complete.",
    `INFO: ${ts} - Application startup complete.`,
  ];
  t.deepEqual(logs.texts("stderr"), [
    `INFO:     Uvicorn running on http://127.0.0.1:${service.port} (Press CTRL+C to quit)`,
    `INFO:     Started parent process [${pid}]`,
    ...workerStart,
    ...workerStart,
  ]);
  await service.close();
  await service.close();
  const workerStop = [
    "INFO:     Waiting for application shutdown.",
    `INFO: ${ts} - Waiting for application shutdown.`,
    "INFO:     Application shutdown complete.",
    `INFO: ${ts} - Application shutdown complete.`,
    `INFO:     Finished server process [${pid}]`,
    `INFO: ${ts} - Finished server process [${pid}]`,
    `INFO: ${ts} - Scheduler has been shut down`,
  ];
  t.deepEqual(logs.texts("stderr").slice(18), [
    "INFO:     Shutting down",
    `INFO: ${ts} - Shutting down`,
    "INFO:     Shutting down",
    `INFO: ${ts} - Shutting down`,
    ...workerStop,
    ...workerStop,
    `INFO:     Stopping parent process [${pid}]`,
  ]);
  await t.throwsAsync(request(`${service.url}/healthz`));
});

test("close() ends requests still waiting in /r instead of waiting for them", async (t) => {
  const { service } = await startService(t);
  const pending = request(`${service.url}/r?wait=3600`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await service.close();
  await t.throwsAsync(pending);
});

test("a busy port is reported with uvicorn's error line and a Portuguese message", async (t) => {
  const { service } = await startService(t);
  const lines: string[] = [];
  const error = await t.throwsAsync(startGenericService({ host: "127.0.0.1", port: service.port, env: {}, log: (text) => lines.push(text) }), {
    instanceOf: GenericServiceStartError,
  });
  t.regex(error?.message ?? "", /já está em uso/);
  t.deepEqual(lines, ["ERROR:    [Errno 98] Address already in use"]);
});

test("bad settings are refused before anything listens", async (t) => {
  const port = await closedPort();
  await t.throwsAsync(startGenericService({ host: "127.0.0.1", port, env: { SCHED_CALL_INTERVAL: "abc" }, log: () => undefined }), {
    instanceOf: GenericServiceConfigError,
  });
  await t.throwsAsync(startGenericService({ host: "127.0.0.1", port: 70000, env: {}, log: () => undefined }), { instanceOf: GenericServiceStartError });
  await t.throwsAsync(startGenericService({ host: "127.0.0.1", port, env: {}, workers: 0, log: () => undefined }), { instanceOf: GenericServiceStartError });
  await t.throwsAsync(request(`http://127.0.0.1:${port}/healthz`));
});
