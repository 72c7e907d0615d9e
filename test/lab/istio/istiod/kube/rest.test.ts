// istiod's in-cluster REST client against a real HTTPS server: watches never starve requests, and a request's timeout
// is a bound on the whole call.
import test from "ava";
import https from "node:https";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ensureClusterPki } from "../../../../../lab/cluster/apiserver/pki.js";
import { KubeRest } from "../../../../../lab/istio/istiod/kube/rest.js";

/** An API-server-like HTTPS server: `/hang` never answers, a `watch=1` query streams nothing and stays open, the rest answer `{"ok":path}`. */
const apiServer = async (t: { teardown(fn: () => Promise<void>): void }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "kube-rest-"));
  const pki = await ensureClusterPki({ dir, serverIps: ["127.0.0.1"] });
  const open = new Set<import("node:http").ServerResponse>();
  const server = https.createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    if (req.url === "/hang") return void open.add(res);
    if (req.url?.includes("watch=1")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      return void open.add(res);
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const rest = new KubeRest({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, caPem: pki.caCert, token: () => "test" });
  t.teardown(async () => {
    rest.close();
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  return rest;
};

const within = <T>(ms: number, p: Promise<T>, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref())]);

test("a request is answered while more watches are open than the request pool has sockets", async (t) => {
  const rest = await apiServer(t);
  const stop = new AbortController();
  // istiod keeps 13 watches open; 24 is more than the pool's 16 sockets
  const watches = Array.from({ length: 24 }, (_, i) => rest.watch(`/apis/x/v1/things${i}?watch=1`, () => undefined, stop.signal));
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.deepEqual(await within(5_000, rest.request("GET", "/api/v1/namespaces/vm/workloadentries/x"), "GET while watching"), { ok: "/api/v1/namespaces/vm/workloadentries/x" });
  stop.abort();
  await within(5_000, Promise.all(watches), "watches after abort");
});

test("a request with no answer fails after its timeout, naming the call, even when it waited for a socket", async (t) => {
  const rest = await apiServer(t);
  // 16 hung requests hold every pooled socket; the 17th waits for one and must still end at its own deadline
  const hung = Array.from({ length: 16 }, () => rest.request("GET", "/hang", { timeoutMs: 3_000 }).catch((e: Error) => e));
  const started = Date.now();
  const error = await t.throwsAsync(rest.request("GET", "/hang", { timeoutMs: 500 }));
  t.regex(error!.message, /^GET \/hang: no answer within 500 ms$/);
  t.true(Date.now() - started < 2_500, `took ${Date.now() - started} ms`);
  for (const e of await Promise.all(hung)) t.regex(String((e as Error).message), /no answer within 3000 ms/);
});
