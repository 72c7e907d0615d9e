// requests.get() as the original uses it: what goes on the wire and how failures are worded.
import test from "ava";
import zlib from "node:zlib";
import { closedPort, startPlainServer, startRawServer } from "./helpers.js";
import { REQUESTS_USER_AGENT, requestsGet } from "../../../../lab/apps/generic-service/http-client.js";

const ok = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

test("a call sends requests' default headers in requests' order on a fresh connection", async (t) => {
  const server = await startRawServer(t, (socket) => socket.end(ok));
  const outcome = await requestsGet({ url: `${server.url}/s?x=1` });
  t.true(outcome.ok);
  t.is(
    server.received[0],
    `GET /s?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUser-Agent: ${REQUESTS_USER_AGENT}\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n`,
  );
});

test("given headers replace same-named defaults in place (taking their spelling) and the rest follow", async (t) => {
  const server = await startRawServer(t, (socket) => socket.end(ok));
  await requestsGet({
    url: `${server.url}/`,
    headers: [["X-B3-TraceId", "0000000000000abc"], ["X-B3-SpanId", "0000000000001234"], ["X-B3-Sampled", "1"], ["user-agent", "curl/7.64.0"]],
  });
  t.is(
    server.received[0],
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nuser-agent: curl/7.64.0\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n` +
      "X-B3-TraceId: 0000000000000abc\r\nX-B3-SpanId: 0000000000001234\r\nX-B3-Sampled: 1\r\n\r\n",
  );
});

test("the outcome has the status, the headers as sent (repeats joined with a comma) and the body", async (t) => {
  const server = await startRawServer(t, (socket) =>
    socket.end("HTTP/1.1 503 Service Unavailable\r\nX-A: 1\r\ncontent-length: 4\r\nx-a: 2\r\n\r\ndown"),
  );
  const outcome = await requestsGet({ url: server.url });
  t.like(outcome, { ok: true, status: 503 });
  if (!outcome.ok) return;
  t.deepEqual(outcome.headers, [["X-A", "1, 2"], ["content-length", "4"]]);
  t.is(outcome.body.toString(), "down");
});

test("gzip and deflate bodies are decoded; a body that does not decode is a ContentDecodingError", async (t) => {
  const payload = '{"name":"greetings"}';
  const server = await startPlainServer(t, (req, res) => {
    if (req.url === "/gzip") {
      const body = zlib.gzipSync(payload);
      res.writeHead(200, { "content-encoding": "gzip", "content-length": body.length }).end(body);
    } else if (req.url === "/deflate") {
      const body = zlib.deflateSync(payload);
      res.writeHead(200, { "content-encoding": "deflate", "content-length": body.length }).end(body);
    } else res.writeHead(200, { "content-encoding": "gzip", "content-length": 5 }).end("plain");
  });
  const gzip = await requestsGet({ url: `${server.url}/gzip` });
  t.is(gzip.ok && gzip.body.toString(), payload);
  const deflate = await requestsGet({ url: `${server.url}/deflate` });
  t.is(deflate.ok && deflate.body.toString(), payload);
  const broken = await requestsGet({ url: `${server.url}/broken` });
  t.false(broken.ok);
  t.regex(broken.ok ? "" : broken.error, /^\('Received response with content-encoding: gzip, but failed to decode it\.', error\('Error -3 while decompressing data: .+'\)\)$/);
});

test("redirects are followed and the final response is returned", async (t) => {
  const server = await startPlainServer(t, (req, res) => {
    if (req.url === "/old") res.writeHead(307, { location: "/new" }).end();
    else res.writeHead(200, { "content-length": 3 }).end(req.url?.slice(1));
  });
  const outcome = await requestsGet({ url: `${server.url}/old` });
  t.like(outcome, { ok: true, status: 200 });
  t.is(outcome.ok && outcome.body.toString(), "new");
});

test("more than 30 redirects is TooManyRedirects", async (t) => {
  const server = await startPlainServer(t, (req, res) => res.writeHead(302, { location: `/${Number(req.url?.slice(1) || 0) + 1}` }).end());
  const outcome = await requestsGet({ url: `${server.url}/0` });
  t.deepEqual(outcome, { ok: false, url: `${server.url}/0`, error: "Exceeded 30 redirects." });
  t.is(server.requests.length, 31);
});

test("a refused connection is worded as urllib3's MaxRetryError around a NewConnectionError", async (t) => {
  const port = await closedPort();
  const outcome = await requestsGet({ url: `http://127.0.0.1:${port}/s` });
  t.false(outcome.ok);
  t.regex(
    outcome.ok ? "" : outcome.error,
    new RegExp(
      `^HTTPConnectionPool\\(host='127\\.0\\.0\\.1', port=${port}\\): Max retries exceeded with url: /s \\(Caused by NewConnectionError\\('<urllib3\\.connection\\.HTTPConnection object at 0x7f[0-9a-f]{10}>: Failed to establish a new connection: \\[Errno 111\\] Connection refused'\\)\\)$`,
    ),
  );
});

test("a server that closes without answering is RemoteDisconnected; one that resets is ConnectionResetError", async (t) => {
  const silent = await startRawServer(t, (socket) => socket.end());
  t.deepEqual(await requestsGet({ url: silent.url }), {
    ok: false,
    url: silent.url,
    error: "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
  });
  const resetting = await startRawServer(t, (socket) => socket.resetAndDestroy());
  t.deepEqual(await requestsGet({ url: resetting.url }), {
    ok: false,
    url: resetting.url,
    error: "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
  });
});

test("a body cut short of its content-length is an IncompleteRead", async (t) => {
  const server = await startRawServer(t, (socket) => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"));
  const outcome = await requestsGet({ url: server.url });
  t.deepEqual(outcome, {
    ok: false,
    url: server.url,
    error: "('Connection broken: IncompleteRead(3 bytes read, 7 more expected)', IncompleteRead(3 bytes read, 7 more expected))",
  });
});

test("URLs requests cannot use are worded like its MissingSchema, InvalidURL and InvalidSchema errors", async (t) => {
  const error = async (url: string): Promise<string> => {
    const outcome = await requestsGet({ url });
    return outcome.ok ? "ok" : outcome.error;
  };
  t.is(await error("foo"), "Invalid URL 'foo': No schema supplied. Perhaps you meant http://foo?");
  t.is(await error("http://"), "Invalid URL 'http://': No host supplied");
  t.is(await error("login:8000/"), "No connection adapters were found for 'login:8000/'");
  t.is(await error("ftp://files"), "No connection adapters were found for 'ftp://files'");
  t.is(await error("httpx://foo"), "No connection adapters were found for 'httpx://foo/'");
});

test("leading spaces in a URL are ignored, as requests strips them", async (t) => {
  const server = await startRawServer(t, (socket) => socket.end(ok));
  t.like(await requestsGet({ url: `  ${server.url}/` }), { ok: true, status: 200 });
});

test("an aborted call rejects with an AbortError and does not wait for the server", async (t) => {
  const hanging = await startRawServer(t, () => undefined);
  const controller = new AbortController();
  const call = requestsGet({ url: hanging.url, signal: controller.signal });
  controller.abort();
  await t.throwsAsync(call, { name: "AbortError" });
});
