import { execFile } from "node:child_process";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import test from "ava";
import { curlStatusArgv, parseCurl } from "../../../lib/parse/curl.js";
import { CURL_REFUSED, CURL_TIMEOUT, CURL_UNRESOLVED } from "../fixtures/curl.js";

/** Runs curl for real and returns what a command result would hold (exit code instead of a throw). */
const runCurl = async (argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(argv[0]!, argv.slice(1));
    return { stdout, stderr, exitCode: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, exitCode: e.code };
  }
};

/** A local server answering like the generic service. */
const withServer = async (t: { teardown(fn: () => void): void }, handler: http.RequestListener): Promise<string> => {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

test("builds a curl argv that prints the status on its own line", (t) => {
  t.deepEqual(curlStatusArgv({ url: "http://payment.default.svc:8000/" }), ["curl", "-sS", "-w", "\\nhttp_code=%{http_code}\\n", "http://payment.default.svc:8000/"]);
  t.deepEqual(curlStatusArgv({ url: "http://x/", maxTimeSeconds: 5, headers: { Host: "y" }, includeHeaders: true }), ["curl", "-sS", "-i", "--max-time", "5", "-H", "Host: y", "-w", "\\nhttp_code=%{http_code}\\n", "http://x/"]);
});

test("reads status and generic-service JSON from real curl output", async (t) => {
  const base = await withServer(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name: "greetings", description: "Hi there!", app: "pegasus-pay", version: "v1", when: "2020-12-26 14:48:26" }));
  });
  const answer = parseCurl(await runCurl(curlStatusArgv({ url: `${base}/` })));
  t.is(answer.status, 200);
  t.deepEqual(answer.json, { name: "greetings", description: "Hi there!", app: "pegasus-pay", version: "v1", when: "2020-12-26 14:48:26" });
  t.is(answer.exitCode, 0);
  t.is(answer.curlError, undefined);
});

test("reads a non-2xx status, a body without a final newline, and headers with -i", async (t) => {
  const base = await withServer(t, (_req, res) => {
    res.writeHead(404, { "content-type": "application/json", "x-envoy-upstream-service-time": "3" });
    res.end('{"detail":"At 2020-12-26 14:48:26 this request asks for 404 and waits for 1s and now is 2020-12-26 14:48:27."}');
  });
  const answer = parseCurl(await runCurl(curlStatusArgv({ url: `${base}/r?code=404&wait=1s`, includeHeaders: true })));
  t.is(answer.status, 404);
  t.is(answer.headers["x-envoy-upstream-service-time"], "3");
  t.regex(String((answer.json as { detail: string }).detail), /asks for 404/);
});

test("reports status 0 and curl's error for a refused connection (exit 7)", async (t) => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const result = await runCurl(curlStatusArgv({ url: `http://127.0.0.1:${port}/` }));
  t.is(result.exitCode, 7);
  const answer = parseCurl(result);
  t.is(answer.status, 0);
  t.is(answer.curlError?.code, 7);
  t.regex(answer.curlError!.meaning!, /não foi possível conectar/);
});

test("recognises an empty reply (52) and a reset connection (56) from real servers", async (t) => {
  const closing = net.createServer((socket) => socket.on("error", () => undefined).once("data", () => socket.end()));
  const resetting = net.createServer((socket) => socket.on("error", () => undefined).once("data", () => socket.resetAndDestroy()));
  await Promise.all([closing, resetting].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
  t.teardown(() => {
    closing.close();
    resetting.close();
  });
  const empty = parseCurl(await runCurl(curlStatusArgv({ url: `http://127.0.0.1:${(closing.address() as AddressInfo).port}/` })));
  t.is(empty.curlError?.code, 52);
  const reset = parseCurl(await runCurl(curlStatusArgv({ url: `http://127.0.0.1:${(resetting.address() as AddressInfo).port}/` })));
  t.is(reset.curlError?.code, 56);
  t.regex(reset.curlError!.message, /reset/i);
});

test("reads curl's error lines captured for timeouts and names, and plain output without the convention", (t) => {
  t.is(parseCurl({ stdout: "\nhttp_code=000\n", stderr: CURL_TIMEOUT, exitCode: 28 }).curlError?.code, 28);
  t.is(parseCurl({ stdout: "\nhttp_code=000\n", stderr: CURL_UNRESOLVED, exitCode: 6 }).curlError?.code, 6);
  t.is(parseCurl({ stdout: "", stderr: CURL_REFUSED, exitCode: 7 }).status, null);
  const plain = parseCurl('{"name":"greetings"}');
  t.is(plain.status, null);
  t.deepEqual(plain.json, { name: "greetings" });
  const envoy = parseCurl("upstream connect error or disconnect/reset before headers. reset reason: connection failure\nhttp_code=503\n");
  t.is(envoy.status, 503);
  t.is(envoy.json, undefined);
  t.regex(envoy.body, /^upstream connect error/);
});
