// Split calls (/s) between real instances of the service on loopback: the course's front-end → login, catalogue,
// orders/s → payment chain, with a failing member.
import test from "ava";
import { closedPort, request, startRawServer, startService } from "./helpers.js";
import { invokeUrlList } from "../../../../lab/apps/generic-service/fan-out.js";
import { ServiceLog } from "../../../../lab/apps/generic-service/logging.js";

process.env["TZ"] = "UTC";

test("/s calls every SPLIT_CALL_URL_LST entry in order, logs each answer, and answers its own message regardless", async (t) => {
  const { service: payment, logs: paymentLogs } = await startService(t, { env: { APP: "payment", VERSION: "v1" } });
  const { service: login } = await startService(t, { env: { APP: "login", VERSION: "v1" } });
  const { service: orders, logs: ordersLogs } = await startService(t, {
    env: { APP: "orders", VERSION: "v1", SPLIT_CALL_URL_LST: `${payment.url}/` },
  });
  const down = await closedPort();
  const urls = [`${login.url}/`, `http://127.0.0.1:${down}/`, `${orders.url}/s`];
  const { service: frontEnd, logs } = await startService(t, { env: { APP: "front-end", VERSION: "v1", SPLIT_CALL_URL_LST: urls.join(",") } });

  const reply = await request(`${frontEnd.url}/s`, { headers: { "User-Agent": "curl/7.64.0", "X-Request-Id": "req-1" } });
  t.is(reply.status, 200);
  t.like(JSON.parse(reply.body), { name: "split", description: `List ['${urls[0]}', '${urls[1]}', '${urls[2]}']`, app: "front-end", version: "v1" });

  const appLines = logs.texts("stderr").map((line) => line.replace(/^(\w+): \S+ \S+ - /, "$1: "));
  const from = appLines.findIndex((line) => line.startsWith("INFO: Calling: "));
  t.is(appLines[from], `INFO: Calling: ['${urls[0]}', '${urls[1]}', '${urls[2]}']`);
  t.regex(appLines[from + 1] ?? "", /^INFO: headers: \{'date': '[^']+', 'server': 'uvicorn', 'content-length': '\d+', 'content-type': 'application\/json'\}$/);
  t.regex(appLines[from + 2] ?? "", /^INFO: body: b'\{"name":"greetings","description":"Hi there!","app":"login","version":"v1","when":"[^"]+"\}'$/);
  t.regex(appLines[from + 3] ?? "", new RegExp(`^ERROR: Failed reaching http://127\\.0\\.0\\.1:${down}/ - HTTPConnectionPool\\(host='127\\.0\\.0\\.1', port=${down}\\): Max retries exceeded with url: / \\(Caused by NewConnectionError`));
  t.regex(appLines[from + 4] ?? "", /^INFO: headers: \{'date'/);
  t.regex(appLines[from + 5] ?? "", /^INFO: body: b'\{"name":"split","description":"List \[\\'http:\/\/127\.0\.0\.1:\d+\/\\'\]","app":"orders"/);
  t.true(logs.texts("stdout").some((line) => line.endsWith('"GET /s HTTP/1.1" 200 OK')));

  // orders received the front-end's trace and passed it on to payment.
  const frontTrace = /'X-B3-TraceId': '([0-9a-f]{16})'/.exec(logs.texts("stderr").find((l) => l.includes("opentracing:")) ?? "")?.[1];
  t.truthy(frontTrace);
  const ordersHeaders = ordersLogs.texts("stderr").find((line) => line.includes("request.headers: "));
  t.regex(ordersHeaders ?? "", new RegExp(`'user-agent': 'curl/7\\.64\\.0', 'accept-encoding': 'gzip, deflate', 'accept': '\\*/\\*', 'connection': 'keep-alive', 'x-b3-traceid': '${frontTrace}', 'x-b3-spanid': '[0-9a-f]{16}', 'x-b3-sampled': '1', 'x-request-id': 'req-1'`));
  t.true(paymentLogs.texts("stderr").some((line) => line.includes(`opentracing: {'X-B3-TraceId': '${frontTrace}'`)));
});

test("a downstream error status is not a failure: its headers and body are logged like any answer", async (t) => {
  const { service: login } = await startService(t);
  const { service, logs } = await startService(t, { env: { SPLIT_CALL_URL_LST: `${login.url}/r?code=503` } });
  await request(`${service.url}/s`);
  t.true(logs.texts("stderr").some((line) => /- body: b'\{"detail":"At .+ this request asks for 503 and waits for 0s and now is .+\."\}'$/.test(line)));
  t.false(logs.texts("stderr").some((line) => line.includes("Failed reaching")));
});

test("a downstream that drops the connection (/r?code=999) is logged as RemoteDisconnected and the list goes on", async (t) => {
  const { service: login } = await startService(t);
  const urls = [`${login.url}/r?code=999`, `${login.url}/healthz`];
  const { service, logs } = await startService(t, { env: { SPLIT_CALL_URL_LST: urls.join(",") } });
  t.is((await request(`${service.url}/s`)).status, 200);
  const lines = logs.texts("stderr");
  t.true(lines.some((line) => line.endsWith(`- Failed reaching ${urls[0]} - ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))`)));
  t.true(lines.some((line) => line.includes(`"description":"health"`)));
});

test("invokeUrlList skips empty entries, calls sequentially and returns one outcome per call", async (t) => {
  const order: string[] = [];
  const server = await startRawServer(t, (socket, text) => {
    order.push(text.split(" ")[1] ?? "");
    socket.end("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
  });
  const lines: string[] = [];
  const outcomes = await invokeUrlList({ urls: [`${server.url}/a`, "", `${server.url}/b`], log: new ServiceLog((text) => lines.push(text)) });
  t.deepEqual(order, ["/a", "/b"]);
  t.deepEqual(outcomes.map((o) => o.ok), [true, true]);
  t.regex(lines[0] ?? "", new RegExp(`- Calling: \\['${server.url}/a', '', '${server.url}/b'\\]$`));
  t.regex(lines[2] ?? "", / - body: b''$/);
});
