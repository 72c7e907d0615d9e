import test from "ava";
import { InputError } from "../../../lib/errors.js";
import { vmSession } from "./fixture/session.js";
import { startSshd, type SshdFixture } from "./fixture/sshd.js";

// Requests are made by the real curl on the "VM"; the servers on its loopback are test doubles for Envoy's admin API,
// the sidecar's status port and an app (test/lib/vm/fixture/http-double.ts).
let fixture: SshdFixture;
test.before(async () => {
  fixture = await startSshd();
});
test.after.always(async () => {
  await fixture?.stop();
});

test("curl from the VM returns the status and the body exactly (no trailing newline added or lost)", async (t) => {
  const { vm, events } = vmSession({ fixture });
  const r = await vm.curl({ url: "localhost:8000/" });
  t.true(r.ok);
  t.is(r.status, 200);
  t.deepEqual(JSON.parse(r.body), { name: "pegasus-pay", version: "v1" });
  for (const body of ["no newline", "two newlines\n\n", "", "HTTP 200\n"]) {
    const e = await vm.curl({ url: `http://localhost:8000/echo?status=201&body=${encodeURIComponent(body)}` });
    t.is(e.status, 201);
    t.is(e.body, body);
  }
  t.is(events.ofKind("command")[0]!.display, `ssh-vm "curl -sS -m 10 -w '\\nHTTP %{http_code}\\n' localhost:8000/"`);
});

test("an HTTP error status is a value, not an exception", async (t) => {
  const { vm } = vmSession({ fixture });
  const r = await vm.curl({ url: "localhost:8000/echo?status=404&body=nope" });
  t.true(r.ok);
  t.is(r.status, 404);
  t.is(r.body, "nope");
});

test("a refused connection comes back with curl's exit code and message", async (t) => {
  const { vm } = vmSession({ fixture });
  const r = await vm.curl({ url: "localhost:9/", maxTimeSeconds: 5 });
  t.false(r.ok);
  t.is(r.status, 0);
  t.is(r.curlExitCode, 7);
  t.regex(r.error, /^curl: \(7\) Failed to connect to localhost port 9/);
});

test("method, headers and body are sent as given", async (t) => {
  const { vm } = vmSession({ fixture });
  const r = await vm.curl({ url: "localhost:8000/method", method: "POST", headers: ["X-Test: a 'b' $(c)"], data: `{"x": "$(touch /tmp/no)"}` });
  t.deepEqual(JSON.parse(r.body), { method: "POST", header: "a 'b' $(c)", body: `{"x": "$(touch /tmp/no)"}` });
});

test("the sidecar admin helpers read clusters, readiness and stats", async (t) => {
  const { vm } = vmSession({ fixture });
  const clusters = await vm.envoyClusters({ grep: "payment" });
  t.is(clusters.lines.length, 3);
  t.true(clusters.lines.every((l) => l.startsWith("outbound|8000||payment.default.svc.cluster.local::")));
  t.true((await vm.envoyReady()).ready);
  t.true((await vm.sidecarReady()).ready);
  const stats = await vm.envoyStats({ filter: "^cluster\\.xds-grpc\\." });
  t.deepEqual([...stats.stats.entries()], [["cluster.xds-grpc.upstream_cx_active", "1"], ["cluster.xds-grpc.upstream_cx_connect_fail", "0"]]);
  await t.throwsAsync(vm.envoyAdmin({ path: "clusters" }), { instanceOf: InputError });
});

test("download saves a URL's body to a file on the VM and fails on an HTTP error instead of saving the error page", async (t) => {
  const { vm } = vmSession({ fixture });
  await vm.download({ url: "http://localhost:8000/echo?body=deb-bytes", dest: "/home/peguser/istio-sidecar.deb" });
  t.is(await vm.readFile({ path: "/home/peguser/istio-sidecar.deb" }), "deb-bytes");
  const error = await t.throwsAsync(vm.download({ url: "http://localhost:8000/echo?status=404&body=NoSuchKey", dest: "/home/peguser/missing.deb" }));
  t.regex((error as Error).message, /404/);
  t.false((await vm.fileExists({ path: "/home/peguser/missing.deb" })).exists);
});

test("bad URLs and headers are refused before anything runs", async (t) => {
  const { vm, events } = vmSession({ fixture });
  await t.throwsAsync(vm.curl({ url: "http://a b/" }), { instanceOf: InputError });
  await t.throwsAsync(vm.curl({ url: "--config=/etc/passwd" }), { instanceOf: InputError });
  await t.throwsAsync(vm.curl({ url: "localhost:8000/", headers: ["X: a\r\nInjected: b"] }), { instanceOf: InputError });
  t.is(events.ofKind("command").length, 0);
});
