import test from "ava";
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { curlLoop, curlOnce, parseCurlOnce, summarize } from "../../../lib/course/monitor.js";

const sh = (command: string): Promise<string> =>
  new Promise((resolve, reject) => execFile("/bin/sh", ["-c", command], { encoding: "utf8" }, (error, stdout) => (error && error.code !== 0 && !stdout ? reject(error) : resolve(stdout))));

/** A server answering like Envoy when the upstream connection failed, on /fail; 200 elsewhere. */
const withServer = async (fn: (base: string) => Promise<void>) => {
  const server = http.createServer((req, res) => {
    if (req.url === "/fail") {
      res.writeHead(503, { "content-type": "text/plain" }).end("upstream connect error or disconnect/reset before headers. reset reason: connection failure");
    } else res.writeHead(200, { "content-type": "application/json" }).end('{"app":"payment"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await fn(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((r) => server.close(r));
  }
};

test("the course's loop prints one status and time per call, which summarize counts by status", async (t) => {
  await withServer(async (base) => {
    const out = (await sh(curlLoop(`${base}/`, 3))) + (await sh(curlLoop(`${base}/fail`, 2)));
    const s = summarize({ direction: "cluster → VM", from: "payment", to: "pegasus-pay", url: base, output: out });
    t.is(s.calls, 5);
    t.deepEqual(s.statuses, { "200": 3, "503": 2 });
    t.true(s.maxMs >= s.p95Ms && s.p95Ms >= 0);
  });
});

test("a failing call fetched once keeps Envoy's body and its status, which the loop discards", async (t) => {
  await withServer(async (base) => {
    const failure = parseCurlOnce(await sh(curlOnce(`${base}/fail`)));
    t.is(failure.status, "503");
    t.regex(failure.body, /^upstream connect error or disconnect\/reset before headers\. reset reason: connection failure$/);
    t.deepEqual(parseCurlOnce(await sh(curlOnce(`${base}/`))), { status: "200", body: '{"app":"payment"}' });
  });
});

test("no answer at all reads as status 000", async (t) => {
  t.deepEqual(parseCurlOnce(await sh(curlOnce("127.0.0.1:9/"))), { status: "000", body: "" });
  t.deepEqual(parseCurlOnce(""), { status: "000", body: "" });
});
