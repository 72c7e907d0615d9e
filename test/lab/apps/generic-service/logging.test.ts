import test from "ava";
import { formatAccess, formatBasic, formatUvicorn, ServiceLog, type LogStream } from "../../../../lab/apps/generic-service/logging.js";

process.env["TZ"] = "UTC";
const at = new Date(Date.UTC(2020, 9, 30, 21, 59, 23, 836));

test("uvicorn's level prefix pads the level and colon to nine columns before the message", (t) => {
  t.is(formatUvicorn("INFO", "Started server process [8]"), "INFO:     Started server process [8]");
  t.is(formatUvicorn("WARNING", "Invalid HTTP request received."), "WARNING:  Invalid HTTP request received.");
  t.is(formatUvicorn("ERROR", "Exception in ASGI application"), "ERROR:    Exception in ASGI application");
});

test("the app's lines use basicConfig's `%(levelname)s: %(asctime)s - %(message)s` (as in the course's recorded log)", (t) => {
  t.is(formatBasic("INFO", at, "request.headers: Headers({})"), "INFO: 2020-10-30 21:59:23,836 - request.headers: Headers({})");
});

test("access lines carry client, request line, status and Python's phrase (empty for unknown codes)", (t) => {
  t.is(
    formatAccess({ client: "127.0.0.1:51234", method: "GET", fullPath: "/r?code=404&wait=1", httpVersion: "1.1", status: 404 }),
    'INFO:     127.0.0.1:51234 - "GET /r?code=404&wait=1 HTTP/1.1" 404 Not Found',
  );
  t.is(formatAccess({ client: "10.0.0.1:0", method: "GET", fullPath: "/", httpVersion: "1.0", status: 418 }), 'INFO:     10.0.0.1:0 - "GET / HTTP/1.0" 418 ');
  t.is(formatAccess({ client: "a:1", method: "GET", fullPath: "/", httpVersion: "1.1", status: 999n }), 'INFO:     a:1 - "GET / HTTP/1.1" 999 ');
});

test("access lines go to stdout; uvicorn's messages in a worker go to stderr twice (its handler, then the app's root handler)", (t) => {
  const records: Array<[string, LogStream]> = [];
  const log = new ServiceLog((text, stream) => records.push([text, stream]), () => at);
  log.access({ client: "c:1", method: "GET", fullPath: "/", httpVersion: "1.1", status: 200 });
  log.server("INFO", "Application startup complete.");
  log.supervisor("INFO", "Started parent process [1]");
  log.app("ERROR", "Failed reaching x - y");
  t.deepEqual(records, [
    ['INFO:     c:1 - "GET / HTTP/1.1" 200 OK', "stdout"],
    ["INFO:     Application startup complete.", "stderr"],
    ["INFO: 2020-10-30 21:59:23,836 - Application startup complete.", "stderr"],
    ["INFO:     Started parent process [1]", "stderr"],
    ["ERROR: 2020-10-30 21:59:23,836 - Failed reaching x - y", "stderr"],
  ]);
});
